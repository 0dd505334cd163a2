import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadOrCreateRaftDek } from "../../src/manager/deks/raft-dek.ts";
import { raftDirOf } from "../../src/manager/raft-backend.ts";
import { RaftStorage } from "../../src/raft/storage/index.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";

/** A manager's DEK: made once, kept beside swarm-node.key (0600), the same on every restart. */
async function withSwarmDir(body: (swarmDir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "swarmbus-raft-dek-"));
  try {
    await body(join(root, "swarm"));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("a new manager makes a DEK, keeps it in the raft-dek header beside its key (0600), and finds it on restart", async () => {
  await withSwarmDir(async (s) => {
    const dek = await loadOrCreateRaftDek(s, raftDirOf(s));
    const file = join(s, "certificates", "swarm-node.key-headers");
    assert.is((await stat(file)).mode & 0o777, 0o600);
    assert.is(await readFile(file, "utf8"), `kek-version: 0\nraft-dek: ${dek.toString("base64")}\n`);
    assert.equal(await loadOrCreateRaftDek(s, raftDirOf(s)), dek);
  });
});

test("a Raft log written in clear by an older swarmbus is refused with what to do, not read", async () => {
  await withSwarmDir(async (s) => {
    const { storage } = await RaftStorage.open(raftDirOf(s));
    await storage.create({ raftId: "1", clusterId: "c", nodeId: "n" });
    await storage.close();
    const e = await rejection(() => loadOrCreateRaftDek(s, raftDirOf(s)));
    assert.ok(isRpcError(e, "FailedPrecondition"), String(e));
    assert.match(e.message, `raft storage ${raftDirOf(s)} has no data encryption key`);
    assert.match(e.message, "leave the swarm (swarm leave --force) and join it again");
  });
});

test.run();

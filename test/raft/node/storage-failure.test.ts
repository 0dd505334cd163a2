import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { silentLog } from "../../../src/log.ts";
import { ErrStopped, RaftNode } from "../../../src/raft/node/index.ts";
import { unframeProposal } from "../../../src/raft/node/proposal-frame.ts";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { MemoryNetwork } from "../../../src/raft/transport/index.ts";
import { rejection } from "../../support/caught.ts";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { enc, memberOf, testProfile, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A one-member cluster over `fs`, its applied values and the fatal errors it reported. */
async function loneMember(dir: string, fs: FaultyFs) {
  const applied: string[] = [];
  const fatal: Error[] = [];
  const node = await RaftNode.bootstrap({
    clusterId: "c1",
    self: memberOf("1"),
    stateDir: dir,
    storageFs: fs,
    transport: new MemoryNetwork({ log: silentLog }).transport("c1", "1", { inactiveAfterMs: 1000 }),
    profile: testProfile,
    log: silentLog,
    apply: (data) => {
      applied.push(dec(data));
    },
    onFatal: (e) => fatal.push(e),
  });
  await node.untilLeader(5_000);
  return { node, applied, fatal };
}

/** The values of the proposals in the WAL, read back from disk with the real fs. */
async function valuesOnDisk(dir: string): Promise<string> {
  const { storage, state } = await RaftStorage.open(join(dir, "swarm", "raft"), { log: silentLog });
  await storage.close();
  const values: string[] = [];
  for (const e of state.entries) {
    const p = e.type === "normal" ? unframeProposal(e.data) : undefined;
    if (p) values.push(dec(p.data));
  }
  return values.join(" ");
}

for (const [op, code] of [
  ["write", "ENOSPC"],
  ["datasync", "EIO"],
] as const) {
  test(`a WAL ${op} failing with ${code}: the proposal is rejected, later ones too, the member stops leading and reports it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "swarmbus-raft-fault-"));
    const fs = new FaultyFs();
    try {
      const { node, applied, fatal } = await loneMember(dir, fs);
      for (const v of ["a", "b", "c"]) await node.propose(enc(v));
      fs.failFrom(op, code, /\.wal/);
      const err = await rejection(() => node.propose(enc("d")), "a proposal whose WAL write failed was acknowledged");
      assert.is((err as Error).message, ErrStopped);
      assert.ok(fs.fired.length > 0, "the fault fired");
      await waitFor(() => fatal.length > 0, { timeoutMs: 5_000, what: "the fatal error to be reported" });
      assert.match(fatal[0]!.message, `failed, the WAL is unusable: ${code}`);
      assert.not.ok(node.isLeader(), "a member whose WAL failed does not claim leadership");
      const later = await rejection(() => node.propose(enc("e")), "a later proposal was acknowledged");
      assert.is((later as Error).message, ErrStopped);
      assert.equal(applied, ["a", "b", "c"], "nothing applied past the failed write");
      await node.stop();
      // Every acknowledged value is on disk (the failed write may or may not have landed: it was not acknowledged).
      assert.match(await valuesOnDisk(dir), /^a b c( d)?$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const cluster = useRaftCluster(test);

test("the leader's WAL fails: it stops, another member leads, and the values acknowledged before are kept", async () => {
  const fs = new FaultyFs();
  const fatal: Error[] = [];
  const first = await cluster.three({}, (id) => (id === "1" ? { storageFs: fs, onFatal: (e) => fatal.push(e) } : {}));
  assert.is(first.id, "1");
  for (let i = 0; i < 5; i++) await first.node.propose(enc(`v${i}`));
  fs.failFrom("datasync", "EIO", /\.wal/);
  await rejection(() => first.node.propose(enc("lost?")), "the failed leader acknowledged a proposal");
  await waitFor(() => fatal.length > 0, { timeoutMs: 5_000, what: "member 1 to report its fatal error" });
  assert.not.ok(first.node.isLeader());
  await cluster.stopMember("1");
  const second = await cluster.leader();
  assert.is.not(second.id, "1");
  await second.node.propose(enc("after"));
  const values = second.values;
  assert.equal(values.slice(0, 5), ["v0", "v1", "v2", "v3", "v4"]);
  assert.is(values[values.length - 1], "after");
});

test.run();

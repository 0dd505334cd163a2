import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { tightenSecretModes } from "../../src/node/secret-modes.ts";
import { listing } from "../support/dir-listing.ts";

/**
 * A state dir copied or restored with loose modes (everything world-readable):
 * the next start makes every secret the node's alone again, and leaves the
 * certificates readable, as Docker keeps them.
 */
test("a start tightens the key, the bus credentials, the Raft data and the state files to 0600 in 0700 dirs; certificates stay readable", async () => {
  const root = await mkdtemp(join(tmpdir(), "swarmbus-secret-modes-"));
  const s = join(root, "swarm");
  try {
    for (const d of ["", "certificates", "raft", "raft/wal", "raft/snap", "worker"])
      await mkdir(join(s, d), { recursive: true });
    const files = [
      "certificates/swarm-node.creds",
      "certificates/swarm-node.crt",
      "certificates/swarm-node.key",
      "certificates/swarm-node.key-headers",
      "certificates/swarm-root-ca.crt",
      "docker-state.json",
      "state.json",
      "raft/wal/0000000000000000-0000000000000000.wal",
      "raft/snap/0000000000000001-0000000000000002.snap",
    ];
    for (const f of files) await writeFile(join(s, f), "x", { mode: 0o644 });
    for (const d of ["", "certificates", "raft", "raft/wal", "raft/snap", "worker"]) await chmod(join(s, d), 0o755);
    await chmod(join(s, "state.json"), 0o666);

    const tightened = await tightenSecretModes(s);

    assert.equal(await listing(s), [
      "0700 .",
      "0755 certificates",
      "0600 certificates/swarm-node.creds",
      "0644 certificates/swarm-node.crt",
      "0600 certificates/swarm-node.key",
      "0600 certificates/swarm-node.key-headers",
      "0644 certificates/swarm-root-ca.crt",
      "0600 docker-state.json",
      "0700 raft",
      "0700 raft/snap",
      "0600 raft/snap/0000000000000001-0000000000000002.snap",
      "0700 raft/wal",
      "0600 raft/wal/0000000000000000-0000000000000000.wal",
      "0600 state.json",
      "0755 worker",
    ]);
    assert.ok(tightened.includes(`0666 ${join(s, "state.json")}`), tightened.join("\n"));
    assert.equal(await tightenSecretModes(s), [], "nothing left to tighten on the next start");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test.run();

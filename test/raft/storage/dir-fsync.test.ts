import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, snapshot, tempRaftDir } from "./support/raft-data.ts";

test("a new member's raft/, wal/ and snap/ are each fsync'd in their parent once made", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const fs = new FaultyFs();
    const { storage } = await RaftStorage.open(dir, { fs, log: memoryLog() });
    await storage.create(META);
    const swarm = join(dir, "..");
    const made = fs.ops.filter((o) => o.op === "mkdir").map((o) => o.path);
    assert.equal(made, [swarm, dir, join(dir, "snap"), join(dir, "wal")]);
    assert.ok(fs.dirSyncs.includes(join(swarm, "..")), "the state dir, where swarm/ was made");
    assert.ok(fs.dirSyncs.includes(swarm), "swarm/, where raft/ was made");
    assert.ok(fs.dirSyncs.includes(dir), "raft/, where wal/ and snap/ were made");
    assert.equal(fs.notSyncedInParent(), []);
    await storage.close();
  } finally {
    cleanup();
  }
});

test("segments cut and released, snapshots saved and purged, the Raft data wiped: every entry change is fsync'd in its directory", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const fs = new FaultyFs();
    const { storage } = await RaftStorage.open(dir, { fs, segmentBytes: 512, log: memoryLog() });
    await storage.create(META);
    for (let i = 1; i <= 40; i++) await storage.save({ term: 1, vote: "0", commit: i }, entries(i, i));
    await storage.saveSnapshot(snapshot(20, 1));
    await storage.saveSnapshot(snapshot(35, 1));
    await storage.close();
    const kinds = new Set(fs.ops.map((o) => o.op));
    for (const k of ["mkdir", "rename", "unlink", "fsyncDir"] as const) assert.ok(kinds.has(k), `a ${k} happened`);
    assert.equal(fs.notSyncedInParent(), []);

    await RaftStorage.wipe(dir, fs);
    assert.equal(fs.ops.at(-2), { op: "rmTree", path: dir });
    assert.equal(fs.ops.at(-1), { op: "fsyncDir", path: join(dir, "..") }, "swarm/ fsync'd after raft/ is removed");
  } finally {
    cleanup();
  }
});

test("the seam's check is honest: a removal without the directory's fsync is reported", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const fs = new FaultyFs();
    const { storage } = await RaftStorage.open(dir, { fs, log: memoryLog() });
    await storage.create(META);
    await storage.close();
    await fs.rmTree(join(dir, "snap"));
    assert.equal(fs.notSyncedInParent(), [`rmTree ${join(dir, "snap")}`]);
  } finally {
    cleanup();
  }
});

test.run();

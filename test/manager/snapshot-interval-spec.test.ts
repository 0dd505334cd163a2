import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { profiles } from "../../src/config/profile.ts";
import { defaultClusterObject } from "../../src/manager/bootstrap.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import type { ClusterObject } from "../../src/manager/cluster-object.ts";
import { raftDirOf } from "../../src/manager/raft-backend.ts";
import { parseSnapshotName } from "../../src/raft/storage/names.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Manager, RaftManagers } from "./support/raft-managers.ts";

/**
 * SwarmKit reads SnapshotInterval and KeepOldSnapshots from the cluster
 * object's Spec.Raft at every snapshot decision: a change of the spec applies
 * to the next one. (A Raft member with its replicated store and nothing else,
 * so that only the test's writes make entries.)
 */
let managers: RaftManagers;
let m: Manager;
const clusterId = `snapspec${process.pid}`;
test.before(async () => {
  managers = await RaftManagers.start();
  m = await managers.manager(clusterId, "1", "bootstrap");
  await waitFor(() => m.raft.isLeader(), { timeoutMs: 10_000, what: "the member to lead" });
  const root = await createRootCA();
  await m.store.update((tx) => tx.putCluster(defaultClusterObject(clusterId, profiles.fast, root)));
});
test.after(async () => {
  await managers.close();
});

/** Indexes of the snapshot files on disk, oldest first. */
const snapshots = () =>
  readdirSync(join(raftDirOf(m.swarmDir), "snap"))
    .map((name) => parseSnapshotName(name)?.index)
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b);

const setRaftSpec = (raft: Partial<ClusterObject["spec"]["raft"]>) =>
  m.store.update((tx) => {
    const cl = tx.cluster();
    if (!cl) throw new Error("no cluster object");
    return tx.putCluster({ ...cl, spec: { ...cl.spec, raft: { ...cl.spec.raft, ...raft } } });
  });

let n = 0;
const write = () => m.store.update((tx) => tx.putNode(newNodeObject(`spec-snap-${n++}`, "WORKER", "ACTIVE")));
/** Waits until the snapshot files are exactly `indexes` (a new file is written before old ones are purged). */
const snapshotsAre = (indexes: number[]) =>
  waitFor(() => snapshots().join() === indexes.join(), {
    timeoutMs: 3_000,
    what: `snapshot files at [${indexes.join()}]`,
  });

test("the default spec (10000) takes no snapshot; SnapshotInterval 5 snapshots every 5 entries", async () => {
  for (let i = 0; i < 6; i++) await write();
  assert.equal(snapshots(), []);

  await setRaftSpec({ snapshotInterval: 5 });
  // More than 5 entries since the start: the entry that changed the spec triggers the first snapshot.
  const first = m.raft.appliedIndexNow();
  await snapshotsAre([first]);
  for (let i = 0; i < 4; i++) await write();
  assert.equal(snapshots(), [first], "4 entries later: still the one snapshot");
  await write();
  // KeepOldSnapshots 0: only the newest file stays.
  await snapshotsAre([first + 5]);
});

test("KeepOldSnapshots from the spec keeps that many older snapshot files", async () => {
  await setRaftSpec({ keepOldSnapshots: 2 });
  const start = snapshots().at(-1) ?? 0;
  for (let i = 0; i < 14; i++) await write();
  await snapshotsAre([start + 5, start + 10, start + 15]);
});

test.run();

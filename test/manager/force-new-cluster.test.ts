import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connectBus } from "../../src/bus/connection.ts";
import type { BusLog } from "../../src/bus/log.ts";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import { profiles, type TimingProfile } from "../../src/config/profile.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { startRaftMember } from "../../src/manager/raft-backend.ts";
import { ReplicatedStore } from "../../src/manager/store.ts";
import type { RaftNode } from "../../src/raft/node/index.ts";
import { waitFor } from "../support/wait-for.ts";

const profile: TimingProfile = { ...profiles.fast, raftTickMs: 30 };
const quiet: BusLog = { warn: () => {}, error: () => {} };

interface Manager {
  id: string;
  store: ReplicatedStore;
  raft: RaftNode;
  nc: NatsConnection;
}

let nats: NatsServerHandle;
let dir: string;
const running: Manager[] = [];

async function manager(
  clusterId: string,
  id: string,
  mode: "bootstrap" | "join" | "restart",
  forceNewCluster = false,
): Promise<Manager> {
  const nc = await connectBus(nats.url, `${clusterId}-${id}`);
  const store = new ReplicatedStore();
  const raft = await startRaftMember({
    swarmDir: join(dir, clusterId, id, "swarm"),
    clusterId,
    self: { raftId: id, nodeId: `node-${id}`, addr: `127.0.0.1:${3000 + Number(id)}` },
    profile,
    store,
    nc,
    mode,
    forceNewCluster,
    onLeadership: () => {},
    onRemoved: () => {},
    onFatal: () => {},
    log: quiet,
  });
  const m = { id, store, raft, nc };
  running.push(m);
  return m;
}

async function stop(m: Manager): Promise<void> {
  running.splice(running.indexOf(m), 1);
  await m.raft.stop();
  await m.nc.close();
}

/** Three members of `clusterId`: 1 bootstraps and leads, 2 and 3 join. */
async function threeMembers(clusterId: string): Promise<Manager[]> {
  const m1 = await manager(clusterId, "1", "bootstrap");
  await waitFor(() => m1.raft.isLeader(), { timeoutMs: 10_000, what: "member 1 to lead" });
  const ms = [m1];
  for (const id of ["2", "3"]) {
    ms.push(await manager(clusterId, id, "join"));
    await m1.raft.addMember({ raftId: id, nodeId: `node-${id}`, addr: `127.0.0.1:${3000 + Number(id)}` });
  }
  return ms;
}

test.before(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "swarmbus-quorum-"));
});

test.after(async () => {
  for (const m of [...running]) await stop(m);
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * SwarmKit's ForceNewCluster at the Raft member: restarted from its WAL with
 * forceNewCluster, the last member of a cluster that lost quorum is a
 * one-member cluster at once, keeps the store, and the others' Raft IDs are
 * removed for good (also after another restart).
 */
test("force new cluster: the survivor leads alone, keeps the store, the others are removed", async () => {
  const clusterId = `fnc${process.pid}`;
  const [m1, m2, m3] = (await threeMembers(clusterId)) as [Manager, Manager, Manager];
  await m1.store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "DRAIN")));
  await waitFor(() => m3.store.view((tx) => tx.node("a")), { timeoutMs: 10_000, what: "member 3 to apply" });
  await Promise.all([stop(m1), stop(m2), stop(m3)]);

  const forced = await manager(clusterId, "3", "restart", true);
  await waitFor(() => forced.raft.isLeader(), { timeoutMs: 10_000, what: "member 3 to lead alone" });
  assert.equal(
    forced.raft.members().map((s) => s.member.raftId),
    ["3"],
  );
  assert.equal(forced.raft.removedIds().sort(), ["1", "2"]);
  assert.is(forced.store.view((tx) => tx.node("a"))?.spec?.availability, "DRAIN");
  await forced.store.update((tx) => tx.putNode(newNodeObject("b", "WORKER", "ACTIVE")));

  await stop(forced);
  const again = await manager(clusterId, "3", "restart");
  await waitFor(() => again.raft.isLeader(), { timeoutMs: 10_000, what: "member 3 to lead after a plain restart" });
  assert.equal(again.raft.removedIds().sort(), ["1", "2"]);
  assert.ok(again.store.view((tx) => tx.node("b")));
  const readd = await again.raft.addMember({ raftId: "1", nodeId: "node-1", addr: "127.0.0.1:3001" }).then(
    () => "added",
    (e: Error) => e.message,
  );
  assert.is(readd, "membership: node was removed during cluster lifetime");
});

test.run();

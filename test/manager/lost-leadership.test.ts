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
 * A leader cut off from its quorum steps down (check-quorum); a write it took
 * fails with ErrLostLeadership, as SwarmKit's pending proposals do.
 */
test("two of three members stop: the leader's write fails with node lost leader status, and it steps down", async () => {
  const [m1, m2, m3] = await threeMembers(`lost${process.pid}`);
  await m1?.store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "ACTIVE")));
  await Promise.all([stop(m2 as Manager), stop(m3 as Manager)]);
  const leader = m1 as Manager;
  const e = await leader.store
    .update((tx) => tx.putNode(newNodeObject("b", "WORKER", "ACTIVE")))
    .then(
      () => undefined,
      (err: unknown) => err as Error & { code?: number },
    );
  assert.ok(e, "the write is not acknowledged");
  assert.is(e?.message, "raft: failed to process the request: node lost leader status");
  assert.is(e?.code, 2, "code Unknown");
  await waitFor(() => !leader.raft.isLeader() && leader.raft.leaderId() === "0", {
    timeoutMs: 10_000,
    what: "the leader to step down",
  });
  await waitFor(() => leader.raft.lostQuorum(), { timeoutMs: 10_000, what: "the lost-quorum timeout" });
  assert.not.ok(leader.store.view((tx) => tx.node("b")));
});

test.run();

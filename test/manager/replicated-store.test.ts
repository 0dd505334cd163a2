import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import { profiles, type TimingProfile } from "../../src/config/profile.ts";
import { silentLog } from "../../src/log.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { startRaftMember } from "../../src/manager/raft-backend.ts";
import { ReplicatedStore } from "../../src/manager/store.ts";
import type { RaftNode } from "../../src/raft/node/index.ts";
import type { RaftMember } from "../../src/raft/types.ts";
import { connectAs } from "../support/nats-server.ts";
import { waitFor } from "../support/wait-for.ts";

/** The store on real Raft members (real WAL, real nats-server): three managers' stores. */
const profile: TimingProfile = { ...profiles.fast, raftTickMs: 30 };
const clusterId = `store${process.pid}`;

interface Manager {
  id: string;
  store: ReplicatedStore;
  raft: RaftNode;
  nc: NatsConnection;
  seen: string[];
}

let nats: NatsServerHandle;
let dir: string;
const running: Manager[] = [];

interface Tuning {
  cluster?: string;
  /** A joiner: the leader's member list after it added this one (the join answer). */
  joinMembers?: readonly RaftMember[];
  snapshotInterval?: number;
  logEntriesForSlowFollowers?: number;
}

async function manager(id: string, mode: "bootstrap" | "join" | "restart", t: Tuning = {}): Promise<Manager> {
  const nc = await connectAs(nats, `store-${id}`, {
    role: "manager",
    nodeId: `node-${id}`,
    clusterId: t.cluster ?? clusterId,
  });
  const store = new ReplicatedStore();
  const seen: string[] = [];
  store.watch((e) => {
    if (e.kind === "node") seen.push(`${e.action}:${e.node.id}:${e.node.spec?.availability}`);
  });
  const raft = await startRaftMember({
    swarmDir: join(dir, t.cluster ?? clusterId, id, "swarm"),
    clusterId: t.cluster ?? clusterId,
    self: { raftId: id, nodeId: `node-${id}`, addr: `127.0.0.1:${3000 + Number(id)}` },
    profile,
    store,
    nc,
    mode,
    ...(t.joinMembers ? { joinMembers: t.joinMembers } : {}),
    onLeadership: () => {},
    onRemoved: () => {},
    onFatal: () => {},
    log: silentLog,
    ...(t.snapshotInterval !== undefined ? { snapshotInterval: t.snapshotInterval } : {}),
    ...(t.logEntriesForSlowFollowers !== undefined ? { logEntriesForSlowFollowers: t.logEntriesForSlowFollowers } : {}),
  });
  const m = { id, store, raft, nc, seen };
  running.push(m);
  return m;
}

async function stop(m: Manager): Promise<void> {
  running.splice(running.indexOf(m), 1);
  await m.raft.stop();
  await m.nc.close();
}

const memberList = (m: Manager) => m.raft.members().map((s) => s.member);

const leader = () =>
  waitFor(() => running.find((m) => m.raft.isLeader()), {
    timeoutMs: 10_000,
    what: "a leader that has applied its term",
  });

test.before(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), "swarmbus-rstore-"));
});

test.after(async () => {
  for (const m of [...running]) await stop(m);
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("three managers: a follower applies the leader's transactions in order, its watchers in commit order", async () => {
  const m1 = await manager("1", "bootstrap");
  await leader();
  for (const id of ["2", "3"]) {
    const self = { raftId: id, nodeId: `node-${id}`, addr: `127.0.0.1:${3000 + Number(id)}` };
    await manager(id, "join", { joinMembers: [...memberList(m1), self] });
    await m1.raft.addMember(self);
  }
  const l = await leader();
  const writes: Promise<unknown>[] = ["a", "b", "c"].map((id) =>
    l.store.update((tx) => tx.putNode(newNodeObject(id, "WORKER", "ACTIVE"))),
  );
  writes.push(
    l.store.update((tx) => {
      const a = tx.node("a");
      if (!a?.spec) throw new Error("a is missing");
      tx.putNode({ ...a, spec: { ...a.spec, availability: "DRAIN" } });
      tx.deleteNode("b");
    }),
  );
  await Promise.all(writes);
  const expected = ["create:a:ACTIVE", "create:b:ACTIVE", "create:c:ACTIVE", "update:a:DRAIN", "delete:b:ACTIVE"];
  await waitFor(() => running.every((m) => m.seen.join() === expected.join()), {
    timeoutMs: 10_000,
    what: "every manager's watchers to see the changes in commit order",
  });
  const snap = l.store.snapshot();
  for (const m of running) assert.equal(m.store.snapshot(), snap);
});

test("a follower's update is refused with ErrLostLeadership; the leader's is not", async () => {
  const l = await leader();
  const f = running.find((m) => m !== l) as Manager;
  const e = await f.store.update((tx) => tx.deleteNode("a")).catch((err: unknown) => err as Error);
  assert.is((e as Error).message, "raft: failed to process the request: node lost leader status");
  assert.ok(f.store.view((tx) => tx.node("a")));
});

test("a manager restarted from its WAL rebuilds the store by replaying it", async () => {
  const l = await leader();
  const f = running.find((m) => m !== l) as Manager;
  const before = f.store.snapshot();
  await stop(f);
  await l.store.update((tx) => tx.putNode(newNodeObject("d", "WORKER", "PAUSE")));
  const back = await manager(f.id, "restart");
  await waitFor(() => back.store.view((tx) => tx.node("d")), {
    timeoutMs: 10_000,
    what: "the restarted member to catch up",
  });
  for (const n of before.nodes)
    assert.equal(
      back.store.view((tx) => tx.node(n.id)),
      n,
    );
  assert.is(back.store.view((tx) => tx.node("d"))?.spec?.availability, "PAUSE");
});

test("a new member catches up from a Raft snapshot of the store (restore), then applies what follows", async () => {
  for (const m of [...running]) await stop(m);
  const t: Tuning = { cluster: `snap${process.pid}`, snapshotInterval: 5, logEntriesForSlowFollowers: 0 };
  const m1 = await manager("11", "bootstrap", t);
  await waitFor(() => m1.raft.isLeader(), { timeoutMs: 10_000, what: "m1 to lead" });
  for (let i = 0; i < 12; i++) {
    await m1.store.update((tx) => tx.putNode(newNodeObject(`s${i}`, "WORKER", "ACTIVE")));
  }
  const self12 = { raftId: "12", nodeId: "node-12", addr: "127.0.0.1:3012" };
  const late = await manager("12", "join", { ...t, joinMembers: [...memberList(m1), self12] });
  await m1.raft.addMember(self12);
  await waitFor(() => late.store.view((tx) => tx.nodes().length) === 12, {
    timeoutMs: 10_000,
    what: "the late member to restore the store from the snapshot",
  });
  // The snapshot brought the state without events; what follows comes as events, in order.
  assert.ok(late.seen.length < 12, "the late member did not replay every entry");
  await m1.store.update((tx) => tx.deleteNode("s0"));
  await waitFor(() => late.seen.at(-1) === "delete:s0:ACTIVE", {
    timeoutMs: 10_000,
    what: "the delete on the late member",
  });
  assert.equal(late.store.snapshot(), m1.store.snapshot());
});

test.run();

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { errors, headers, type NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { subjects } from "../../src/bus/subjects.ts";
import { controlClient } from "../../src/manager/control-bus/index.ts";
import { freePort } from "../../src/net/free-port.ts";
import { formatRemovedNotice, REMOVED_HEADER } from "../../src/raft/transport/removed-notice.ts";
import { Code, isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { listing } from "../support/dir-listing.ts";
import { lsRow, parseNodeLs } from "../support/node-ls.ts";
import { useSwarm } from "../support/swarm.ts";
import { collector, waitFor } from "../support/wait-for.ts";

/**
 * Issue 11's attacks, replayed against a real swarm (manager m1, worker w1) by
 * whoever holds what an attacker could hold: the worker's own bus credentials
 * (a compromised worker), the admin's (someone at the operator's CLI) and, to
 * put the receivers' own checks on trial, credentials past every permission (a
 * stolen account signing key). Each attack is refused — by nats-server, or by
 * the daemon with a coded error — and nothing changes: m1's state dir, `info`
 * and `node ls` are as before, no node goes Down, the forged Raft notice is
 * dropped and logged.
 */
const swarm = useSwarm(test);
let worker: NatsConnection;
let admin: NatsConnection;
let forger: NatsConnection;
let clusterId = "";
let managerId = "";
let workerId = "";
let raftId = "";
let before: { info: Record<string, unknown>; nodeLs: string; stateDir: string[] };

const SWARM_FACTS = ["LocalNodeState", "Error", "NodeID", "ControlAvailable", "Nodes", "Managers", "RemoteManagers"];

/** m1's state dir without what a running manager writes by itself (log segments, snapshots, atomic-write temp files). */
const stateDir = async () =>
  (await listing(join(swarm.dir, "m1"))).filter((l) => !/\.(wal|snap)$|\/\.[^/]*\.tmp-[^/]*$/.test(l));

async function seen() {
  const info = await swarm.json<Record<string, unknown>>("m1", "info", "--format", "json");
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.code, 0, ls.stderr);
  return {
    info: Object.fromEntries(SWARM_FACTS.map((k) => [k, info[k]])),
    nodeLs: ls.stdout,
    stateDir: await stateDir(),
  };
}

async function nothingChanged(): Promise<void> {
  const now = await seen();
  assert.equal(now.info, before.info, "info as before");
  assert.is(now.nodeLs, before.nodeLs, "node ls as before: no node Down");
  assert.equal(now.stateDir, before.stateDir, "m1's state dir intact");
}

/** The server's refusal of a publish (or a request) on `nc`, as the client hears it. */
async function serverRefusesPublish(nc: NatsConnection, subject: string, send: () => Promise<unknown>): Promise<void> {
  const violations = collector<string>();
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "error" && s.error instanceof errors.PermissionViolationError) violations.push(s.error.message);
    }
  })();
  await send().catch(() => {});
  await nc.flush();
  await violations.waitFor((m) => m.includes(`Permissions Violation for Publish to "${subject}"`), {
    timeoutMs: 5_000,
    what: `the server's refusal of a publish to ${subject}`,
  });
}

async function serverRefusesSubscribe(nc: NatsConnection, subject: string, queue?: string): Promise<void> {
  const closed = await nc.subscribe(subject, queue ? { queue } : {}).closed;
  assert.ok(closed instanceof errors.PermissionViolationError, `subscribe ${subject}: ${String(closed)}`);
}

/** An event sent to m1's actor `actor`, answered by the daemon. */
async function toActor(actor: string, body: string) {
  const r = await admin.request(subjects().actor("m1", actor), body, { timeout: 5_000 });
  return r.json<{ ok: boolean; error?: { code: number; message: string } }>();
}

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
  const info = await swarm.json<{ NodeID: string; Cluster: { ID: string } }>("m1", "info", "--format", "json");
  managerId = info.NodeID;
  clusterId = info.Cluster.ID;
  workerId = (await swarm.json<{ NodeID: string }>("w1", "info", "--format", "json")).NodeID;
  // Credentials as the daemon w1's own (closed by the harness before the server stops).
  worker = await swarm.nats.connect("stolen-w1", { role: "daemon", name: "w1" });
  admin = await swarm.nats.connect("attacker-admin");
  forger = await swarm.nats.connect("attacker-unrestricted", "unrestricted");
  const actors = await callDaemon(admin, "m1", "actors", {}, { timeoutMs: 5_000 });
  const raft = actors.actors.find((a) => a.actor === "raft");
  raftId = String((raft?.context as { raftId?: string } | undefined)?.raftId ?? "");
  assert.ok(raftId, "m1's raft ID is known");
  await waitFor(
    async () => lsRow(parseNodeLs((await swarm.cli("m1", "node", "ls")).stdout), "w1")?.status === "Ready",
    {
      timeoutMs: 20_000,
      what: "w1 Ready",
    },
  );
  before = await seen();
});

test("the manager's join token: the worker's credentials cannot ask m1's daemon for it", async () => {
  const subject = subjects().daemon("m1", "join-token");
  await serverRefusesPublish(worker, subject, () =>
    worker.request(subject, JSON.stringify({ role: "manager" }), { timeout: 2_000 }),
  );
  await nothingChanged();
});

test("LEAVE on m1's node actor: the worker cannot send it; from the admin it is PermissionDenied and m1 stays", async () => {
  const subject = subjects().actor("m1", "node");
  await serverRefusesPublish(worker, subject, async () => worker.publish(subject, '{"type":"LEAVE"}'));
  const r = await toActor("node", '{"type":"LEAVE"}');
  assert.is(r.error?.code, Code.PermissionDenied, r.error?.message);
  await nothingChanged();
});

test("a forged HEARTBEAT with a bad grace, and NODE_EXITED with an object: PermissionDenied, nothing Down, no error in info", async () => {
  const hb = await toActor(`liveness-${workerId}`, '{"type":"HEARTBEAT","graceMs":"soon"}');
  assert.is(hb.error?.code, Code.PermissionDenied, hb.error?.message);
  const exited = await toActor("clusterState", '{"type":"NODE_EXITED","error":{}}');
  assert.is(exited.error?.code, Code.PermissionDenied, exited.error?.message);
  await nothingChanged();
});

test("reading Raft (the store, the CA key, the tokens): neither the worker nor the admin may subscribe", async () => {
  await serverRefusesSubscribe(worker, `${subjects().prefix}.cluster.*.raft.>`);
  await serverRefusesSubscribe(admin, `${subjects().prefix}.cluster.*.raft.>`);
});

test("answering in the managers' queue group or as a daemon to discovery: refused to the worker and the admin", async () => {
  const queue = `${subjects().controlAll(clusterId)}.*`;
  await serverRefusesSubscribe(worker, queue, "managers");
  await serverRefusesSubscribe(admin, queue, "managers");
  await serverRefusesSubscribe(admin, subjects().daemonsDiscover());
});

test("a removal notice naming m1 as its own remover: the worker cannot send it; forged past the server, m1 drops and logs it", async () => {
  const h = headers();
  h.set(REMOVED_HEADER, formatRemovedNotice(clusterId, raftId, 1));
  const asVictim = subjects().raft(clusterId, raftId, managerId);
  const asWorker = subjects().raft(clusterId, raftId, workerId);
  await serverRefusesPublish(worker, asWorker, async () => worker.publish(asWorker, new Uint8Array(0), { headers: h }));
  forger.publish(asVictim, new Uint8Array(0), { headers: h });
  await forger.flush();
  await waitFor(
    () =>
      readFileSync(join(swarm.dir, "m1.log"), "utf8")
        .split("\n")
        .some((l) => l.includes("dropped a removal notice") && l.includes(managerId)),
    { timeoutMs: 5_000, what: "m1 to log the dropped removal notice" },
  );
  await nothingChanged();
});

test("raftJoin naming m1 to rewrite its address: the worker cannot call the control API; a forged call is PermissionDenied", async () => {
  const subject = `${subjects().control(clusterId, "raftJoin")}.${workerId}`;
  await serverRefusesPublish(worker, subject, () => worker.request(subject, "{}", { timeout: 2_000 }));
  const e = await rejection(() =>
    controlClient(forger, clusterId, { timeoutMs: 5_000, caller: workerId }).raftJoin({
      nodeId: managerId,
      addr: "127.0.0.1:1",
    }),
  );
  assert.ok(isRpcError(e, "PermissionDenied"), String(e));
  await nothingChanged();
  const ls = parseNodeLs(before.nodeLs);
  assert.is(lsRow(ls, "m1")?.manager, "Leader");
});

test.run();

import { errors, type NatsConnection, type Status } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjectsFor } from "../../../src/bus/subjects.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { collector } from "../../support/wait-for.ts";

/**
 * Each identity on the bus reaches only what its role needs, and nats-server
 * (not our code) holds it there: a worker's daemon cannot read Raft, ask
 * another node's daemon for a join token or poke another node's actors; a
 * manager sends Raft and control messages only as itself; the admin reaches
 * daemons, never the cluster's own traffic.
 */
const nats = useNatsServer(test);
const s = subjectsFor("swarmbus");
const CLUSTER = "c1";
const BOUND = { timeoutMs: 5_000 };

/** Watches a connection's async errors (where the server's permission violations arrive). */
function violations(nc: NatsConnection) {
  const seen = collector<string>();
  void (async () => {
    for await (const st of nc.status() as AsyncIterable<Status>) {
      if (st.type === "error" && st.error instanceof errors.PermissionViolationError) seen.push(st.error.message);
    }
  })();
  return seen;
}

async function refusedPublish(nc: NatsConnection, subject: string, request = false): Promise<void> {
  const seen = violations(nc);
  if (request) {
    const e = await nc.request(subject, "{}", { timeout: 2_000 }).catch((err: unknown) => err);
    assert.ok(e instanceof Error, "the request was answered");
  } else {
    nc.publish(subject, "{}");
    await nc.flush();
  }
  await seen.waitFor((m) => m.includes(`Permissions Violation for Publish to "${subject}"`), {
    ...BOUND,
    what: `the server's refusal of a publish to ${subject}`,
  });
}

async function refusedSubscribe(nc: NatsConnection, subject: string, queue?: string): Promise<void> {
  const sub = nc.subscribe(subject, queue ? { queue } : {});
  const closed = await sub.closed;
  assert.ok(closed instanceof errors.PermissionViolationError, `subscribe ${subject}: ${String(closed)}`);
  assert.match(closed.message, `Permissions Violation for Subscription to "${subject}`);
}

/** A subscription the server took: a message published after it arrives. */
async function delivered(
  sub: NatsConnection,
  subject: string,
  pub: NatsConnection,
  concrete: string,
  queue?: string,
): Promise<void> {
  const got = collector<string>();
  sub.subscribe(subject, { ...(queue ? { queue } : {}), callback: (_e, m) => got.push(m.subject) });
  await sub.flush();
  pub.publish(concrete, "{}");
  await pub.flush();
  await got.waitFor((m) => m === concrete, { ...BOUND, what: `${concrete} delivered` });
}

test("a worker's daemon cannot read Raft, ask another node's daemon for a join token, or send to its actors", async () => {
  const w1 = await nats.connect("w1", { role: "daemon", name: "w1" });
  await refusedSubscribe(w1, "swarmbus.cluster.*.raft.>");
  await refusedSubscribe(w1, `swarmbus.cluster.${CLUSTER}.control.*.*`, "managers");
  await refusedSubscribe(w1, s.daemonAll("m1"));
  await refusedSubscribe(w1, s.actor("m1", "node"));
  await refusedPublish(w1, s.daemon("m1", "join-token"), true);
  await refusedPublish(w1, s.actor("m1", "node"));
  await refusedPublish(w1, s.events("m1", "node"));
  await refusedPublish(w1, s.raft(CLUSTER, 1, "w1"));
});

test("a daemon serves its own API and publishes its own events; the admin reaches both", async () => {
  const w1 = await nats.connect("w1-own", { role: "daemon", name: "w1" });
  const admin = await nats.connect("admin");
  w1.subscribe(s.daemon("w1", "info"), {
    callback: (_e, m) => {
      m.respond(JSON.stringify({ ok: true, name: "w1" }));
    },
  });
  await w1.flush();
  const reply = await admin.request(s.daemon("w1", "info"), "{}", { timeout: 5_000 });
  assert.equal(reply.json(), { ok: true, name: "w1" });
  await delivered(admin, s.eventsWildcard({ node: "w1" }), w1, s.events("w1", "node"));
});

test("a manager sends Raft messages and control calls only in its own name, in its own cluster", async () => {
  const m1 = await nats.connect("m1-mgr", { role: "manager", nodeId: "n1", clusterId: CLUSTER });
  const m2 = await nats.connect("m2-mgr", { role: "manager", nodeId: "n2", clusterId: CLUSTER });
  // As itself: delivered to the member it addresses, and to the managers' queue.
  const inbox = collector<string>();
  m2.subscribe(s.raftInbox(CLUSTER, 2), { callback: (_e, m) => inbox.push(m.subject) });
  await m2.flush();
  m1.publish(s.raft(CLUSTER, 2, "n1"), new Uint8Array(1));
  await m1.flush();
  await inbox.waitFor((x) => x === s.raft(CLUSTER, 2, "n1"), { ...BOUND, what: "m1's own raft message" });
  await delivered(m2, `${s.controlAll(CLUSTER)}.*`, m1, `${s.control(CLUSTER, "listNodes")}.n1`, "managers");
  // In another's name, or another cluster: refused.
  await refusedPublish(m1, s.raft(CLUSTER, 2, "n2"));
  await refusedPublish(m1, `${s.control(CLUSTER, "listNodes")}.n2`);
  await refusedSubscribe(m1, s.raftInbox("c2", 1));
  // Outside the queue group a manager would read every call.
  await refusedSubscribe(m1, `${s.controlAll(CLUSTER)}.*`);
  // A manager's cluster credentials are not a daemon's.
  await refusedSubscribe(m1, s.daemonAll("m1"));
  await refusedPublish(m1, s.daemon("m2", "join-token"), true);
});

test("the admin reaches every daemon, never Raft or the control API", async () => {
  const admin = await nats.connect("admin-2");
  await refusedSubscribe(admin, "swarmbus.cluster.*.raft.>");
  await refusedPublish(admin, s.raft(CLUSTER, 1, "n1"));
  await refusedPublish(admin, `${s.control(CLUSTER, "listNodes")}.n1`, true);
  await refusedSubscribe(admin, s.daemonAll("m1"));
});

test.run();

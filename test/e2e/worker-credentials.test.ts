import { errors, type NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { lsRow, parseNodeLs } from "../support/node-ls.ts";
import { useSwarm } from "../support/swarm.ts";
import { collector } from "../support/wait-for.ts";

/**
 * Issue 11's "must show": a worker's own credentials, the ones its daemon runs
 * with, in the hands of whoever owns that worker. nats-server refuses what the
 * worker has no business with — reading Raft, asking the manager's daemon for
 * a join token, sending to the manager's actors, taking control calls in the
 * managers' queue group, sending Raft in anyone's name — and the swarm goes on
 * as before.
 */
const swarm = useSwarm(test);
let worker: NatsConnection;
let clusterId = "";
let before = "";

async function nodeLs(): Promise<string> {
  const r = await swarm.cli("m1", "node", "ls");
  assert.is(r.code, 0, r.stderr);
  return r.stdout;
}

function violations(nc: NatsConnection) {
  const seen = collector<string>();
  void (async () => {
    for await (const st of nc.status()) {
      if (st.type === "error" && st.error instanceof errors.PermissionViolationError) seen.push(st.error.message);
    }
  })();
  return seen;
}

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
  clusterId = (await swarm.json<{ Cluster: { ID: string } }>("m1", "info", "--format", "json")).Cluster.ID;
  // Credentials as the daemon w1's own (closed by the harness before the server stops).
  worker = await swarm.nats.connect("w1-owned", { role: "daemon", name: "w1" });
  before = await nodeLs();
  assert.is(lsRow(parseNodeLs(before), "w1")?.status, "Ready");
});

test("the worker's credentials cannot subscribe to Raft or take control calls", async () => {
  for (const [subject, queue] of [
    [`${subjects().prefix}.cluster.*.raft.>`, undefined],
    [subjects().raftInbox(clusterId, 1), undefined],
    [`${subjects().controlAll(clusterId)}.*`, "managers"],
    [subjects().daemonAll("m1"), undefined],
  ] as const) {
    const sub = worker.subscribe(subject, queue ? { queue } : {});
    const closed = await sub.closed;
    assert.ok(closed instanceof errors.PermissionViolationError, `${subject}: ${String(closed)}`);
  }
});

test("the worker's credentials cannot ask m1's daemon for the manager token, nor send to m1's actors or Raft", async () => {
  const seen = violations(worker);
  const token = await worker
    .request(subjects().daemon("m1", "join-token"), JSON.stringify({ role: "manager" }), { timeout: 2_000 })
    .then(
      (m) => m.string(),
      (e: unknown) => e,
    );
  assert.ok(token instanceof Error, `the join-token request was answered: ${String(token)}`);
  worker.publish(subjects().actor("m1", "node"), '{"type":"LEAVE"}');
  worker.publish(subjects().raft(clusterId, 1, "w1"), new Uint8Array(1));
  await worker.flush();
  for (const subject of [
    subjects().daemon("m1", "join-token"),
    subjects().actor("m1", "node"),
    subjects().raft(clusterId, 1, "w1"),
  ]) {
    await seen.waitFor((m) => m.includes(`Permissions Violation for Publish to "${subject}"`), {
      timeoutMs: 5_000,
      what: `the server's refusal of ${subject}`,
    });
  }
});

test("the swarm is as before: m1 still leads, w1 still Ready, the worker's own daemon still answers", async () => {
  assert.is(await nodeLs(), before);
  const info = await swarm.json<{ LocalNodeState: string; ControlAvailable: boolean }>(
    "m1",
    "info",
    "--format",
    "json",
  );
  assert.equal([info.LocalNodeState, info.ControlAvailable], ["active", true]);
  const w1 = await swarm.json<{ LocalNodeState: string }>("w1", "info", "--format", "json");
  assert.is(w1.LocalNodeState, "active");
});

test.run();

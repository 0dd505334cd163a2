import { headers } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../../src/bus/subjects.ts";
import { controlClient, controlSubject, TIMEOUT_HEADER } from "../../../src/manager/control-bus/index.ts";
import { Code, isRpcError } from "../../../src/rpc/status.ts";
import { BusCluster, CALLER, CLUSTER, outcome } from "./support/bus-cluster.ts";

let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
  c.elect("2");
});
test.after(async () => {
  await c.stop();
});

async function raw(method: string, body: string | Uint8Array, hdr: Record<string, string> = {}) {
  const h = headers();
  for (const [k, v] of Object.entries(hdr)) h.set(k, v);
  const subject = `${subjects().prefix}.cluster.${CLUSTER}.control.${method}.${CALLER}`;
  const msg = await c.client.request(subject, body, { timeout: 5000, headers: h });
  return msg.json() as { ok: boolean; error?: { code: number; message: string } };
}

test("payloads that are not JSON, or not the method's request, get InvalidArgument naming the problem", async () => {
  const notJson = await raw("getNode", "{not json");
  assert.is(notJson.ok, false);
  assert.is(notJson.error?.code, 3);
  assert.match(notJson.error?.message ?? "", /^invalid request payload: /);

  const wrongType = await raw("getNode", JSON.stringify({ ref: 7 }));
  assert.equal(wrongType.error?.code, 3);
  assert.match(wrongType.error?.message ?? "", /^invalid getNode request: ref: /);

  const extra = await raw("listNodes", JSON.stringify({ all: true }));
  assert.equal(extra.error?.code, 3);

  const badSpec = await raw("updateNode", JSON.stringify({ nodeId: "n1", spec: { desired_role: "KING" } }));
  assert.equal(badSpec.error?.code, 3);

  const badAddr = await raw("raftJoin", JSON.stringify({ nodeId: "n1", addr: "no port" }));
  assert.equal(badAddr.error?.code, 3);

  const binary = await raw("joinTokens", new Uint8Array([0xff, 0xfe, 0x00, 0x80]));
  assert.equal(binary.error?.code, 3);

  for (const m of c.managers) assert.equal(m.calls, [], "no handler saw garbage");
});

test("a body over 64 KiB or nested past 8 levels is refused before it is parsed, even from a stranger", async () => {
  for (const m of c.managers) m.calls.length = 0;
  const big = await raw("updateNode", JSON.stringify({ nodeId: "n1", pad: "x".repeat(512 * 1024) }));
  assert.equal(big.error?.code, Code.ResourceExhausted);
  assert.match(big.error?.message ?? "", /^a updateNode request is 52\d{4} bytes, more than the 65536 allowed$/);
  const deep = await raw("updateCluster", "[".repeat(10_000) + "]".repeat(10_000));
  assert.equal(deep, {
    ok: false,
    error: { code: Code.InvalidArgument, message: "a updateCluster request nests deeper than 8 levels" },
  });
  for (const m of c.managers) assert.equal(m.calls, [], "no handler saw the bodies");
  assert.is((await c.controlClient().listNodes()).length, 2, "the managers serve on");
});

test("an unknown method gets Unimplemented", async () => {
  const r = await raw("dropAllTables", "{}");
  assert.equal(r, { ok: false, error: { code: 12, message: "unknown control method dropAllTables" } });
});

test("a nonsense deadline header falls back to the request timeout; serving goes on", async () => {
  const r = await raw("joinTokens", "{}", { [TIMEOUT_HEADER]: "soon" });
  assert.is(r.ok, true);
  const r2 = await raw("joinTokens", "{}", { [TIMEOUT_HEADER]: "-5" });
  assert.is(r2.ok, true);
  assert.ok(controlSubject(CLUSTER, "joinTokens", CALLER).endsWith(".control.joinTokens.m1"));
  const nodes = await c.controlClient().listNodes();
  assert.is(nodes.length, 2);
});

test("a call published without a reply subject is not run", async () => {
  for (const m of c.managers) m.calls.length = 0;
  c.client.publish(controlSubject(CLUSTER, "rotateJoinToken", CALLER), JSON.stringify({ role: "worker" }));
  // A call sent after it, on the same connection, is answered after it was seen by the managers.
  await c.controlClient().joinTokens();
  assert.equal(
    c.managers.flatMap((m) => m.calls),
    ["joinTokens"],
  );
});

test("a manager that answers with something other than the method's result: the client fails Internal", async () => {
  const fakeCluster = "impostorcluster";
  const sub = c.client.subscribe(controlSubject(fakeCluster, "getNode", CALLER), {
    callback: (_e, msg) => {
      msg.respond(JSON.stringify({ ok: true, result: { node: "not-a-node-%%%" } }));
    },
  });
  const sub2 = c.client.subscribe(controlSubject(fakeCluster, "listNodes", CALLER), {
    callback: (_e, msg) => {
      msg.respond(JSON.stringify({ ok: true, result: { nodes: "nope" } }));
    },
  });
  await c.client.flush();
  const client = controlClient(c.client, fakeCluster, { timeoutMs: 2000, caller: CALLER });
  const r1 = await outcome(client.getNode("x"));
  const r2 = await outcome(client.listNodes());
  sub.unsubscribe();
  sub2.unsubscribe();
  for (const r of [r1, r2]) {
    assert.not.ok(r.ok);
    if (!r.ok) assert.ok(isRpcError(r.err, "Internal"), String(r.err));
  }
});

test("no manager serves the cluster: Unavailable, at once", async () => {
  const r = await outcome(controlClient(c.client, "nosuchcluster", { timeoutMs: 60_000, caller: CALLER }).listNodes());
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.ok(isRpcError(r.err, "Unavailable"), String(r.err));
    assert.is(r.err.message, "no manager of swarm nosuchcluster is serving the control API");
  }
});

test.run();

import { headers } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../../src/bus/subjects.ts";
import { Code } from "../../../src/rpc/status.ts";
import { assertRefused, NOT_A_MANAGER, type WireReply } from "../../support/wire-refusal.ts";
import { BusCluster, CLUSTER } from "./support/bus-cluster.ts";

/**
 * Issue 11 §5: a control call names its caller, and the managers serve only
 * managers, as SwarmKit's control API. Subjects are written out by hand: they
 * are what someone with a bus connection publishes.
 */
let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
  c.standings.set("w1", "worker");
  c.standings.set("gone", "removed");
  c.elect("1");
});
test.after(async () => {
  await c.stop();
});
test.before.each(() => {
  for (const m of c.managers) m.calls.length = 0;
});

const FORWARDED = "Swarmbus-Forwarded-Caller";
const control = (rest: string) => `${subjects().prefix}.cluster.${CLUSTER}.control.${rest}`;

async function call(subject: string, body = "{}", hdr: Record<string, string> = {}): Promise<WireReply> {
  const h = headers();
  for (const [k, v] of Object.entries(hdr)) h.set(k, v);
  return (await c.client.request(subject, body, { timeout: 5000, headers: h })).json<WireReply>();
}

const refused = (r: WireReply, message: string) => assertRefused(r, Code.PermissionDenied, message);

test("a call naming a worker, an unknown node or a removed node is refused as SwarmKit refuses a non-manager", async () => {
  for (const method of ["getUnlockKey", "joinTokens", "rotateJoinToken"]) {
    const body = method === "rotateJoinToken" ? '{"role":"manager"}' : "{}";
    refused(await call(control(`${method}.w1`), body), `Permission denied: unauthorized peer role: ${NOT_A_MANAGER}`);
    refused(
      await call(control(`${method}.nobody`), body),
      `Permission denied: unauthorized peer role: ${NOT_A_MANAGER}`,
    );
    // Straight to the leader's own subject too.
    refused(await call(control(`${method}.w1.1`), body), `Permission denied: unauthorized peer role: ${NOT_A_MANAGER}`);
  }
  refused(
    await call(control("joinTokens.gone")),
    "Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = " +
      "Permission denied: node gone was removed from swarm",
  );
  for (const m of c.managers) assert.equal(m.calls, [], `manager ${m.name} ran nothing`);
});

test("a relayed call is believed only from a manager, and only for a manager", async () => {
  refused(
    await call(control("joinTokens.w1.1"), "{}", { [FORWARDED]: "m2" }),
    `Permission denied: unauthorized forwarder role: ${NOT_A_MANAGER}`,
  );
  refused(
    await call(control("joinTokens.m2.1"), "{}", { [FORWARDED]: "w1" }),
    "Permission denied: unauthorized forwarded role, expecting: [swarm-manager]",
  );
  refused(
    await call(control("joinTokens.m2.1"), "{}", { [FORWARDED]: "" }),
    "Permission denied: missing information in forwarded request",
  );
  for (const m of c.managers) assert.equal(m.calls, [], `manager ${m.name} ran nothing`);
  const ok = await call(control("joinTokens.m2.1"), "{}", { [FORWARDED]: "m3" });
  assert.is(ok.ok, true, ok.error?.message);
});

test("raftJoin is for the caller itself: naming another node is refused", async () => {
  refused(
    await call(control("raftJoin.m2"), JSON.stringify({ nodeId: "m3", addr: "10.0.0.9:2377" })),
    "Permission denied: node m2 cannot join the raft as node m3",
  );
  // The same through a follower's relay: the original caller is the one that counts.
  refused(
    await call(control("raftJoin.m2.1"), JSON.stringify({ nodeId: "m2", addr: "10.0.0.9:2377" }), {
      [FORWARDED]: "m3",
    }),
    "Permission denied: node m3 cannot join the raft as node m2",
  );
  assert.equal(c.manager("1").calls, []);
  const own = await call(control("raftJoin.m2"), JSON.stringify({ nodeId: "m2", addr: "10.0.0.9:2377" }));
  assert.is(own.ok, true, own.error?.message);
  assert.equal(c.manager("1").calls, ["raftJoin m2"]);
});

test("a manager's call that lands on a follower reaches the leader, which serves it", async () => {
  const r = await call(control("joinTokens.m3.2"));
  assert.is(r.ok, true, r.error?.message);
  assert.equal(c.manager("1").calls, ["joinTokens"]);
  assert.equal(c.manager("2").calls, []);
});

test.run();

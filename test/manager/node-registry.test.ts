import { test } from "uvu";
import * as assert from "uvu/assert";
import { NodeRegistry } from "../../src/manager/node-registry.ts";
import { choosePeriodMs, durationToMs, toDuration } from "../../src/manager/period.ts";
import { isRpcError } from "../../src/rpc/status.ts";

function registry() {
  let now = 1_000_000;
  const r = new NodeRegistry({ rateLimitPeriodMs: 8000, rateLimitCount: 3 }, () => now);
  return {
    r,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function register(r: NodeRegistry, id: string): string {
  r.checkRateLimit(id);
  return r.add(id).sessionId;
}

test("a first registration plus three re-registrations within 8 s pass; the next is Unavailable", () => {
  const { r } = registry();
  for (let i = 0; i < 4; i++) register(r, "n1");
  try {
    register(r, "n1");
    assert.unreachable();
  } catch (e) {
    assert.ok(isRpcError(e, "Unavailable"));
    assert.is((e as Error).message, "node n1 exceeded rate limit count of registrations");
  }
});

test("attempts reset once more than the period has passed since the last registration", () => {
  const { r, advance } = registry();
  for (let i = 0; i < 4; i++) register(r, "n1");
  advance(8001);
  register(r, "n1");
  register(r, "n1");
});

test("a node dropped after heartbeat failure starts afresh", () => {
  const { r } = registry();
  for (let i = 0; i < 4; i++) register(r, "n1");
  r.delete("n1");
  for (let i = 0; i < 4; i++) register(r, "n1");
});

test("a node tracked as unknown after a leadership change: its old session is invalid, and it may register", () => {
  const { r } = registry();
  const old = register(r, "n1");
  r.addUnknown("n1");
  try {
    r.getWithSession("n1", old);
    assert.unreachable();
  } catch (e) {
    assert.ok(isRpcError(e, "InvalidArgument"));
    assert.is((e as Error).message, "session invalid");
  }
  const fresh = register(r, "n1");
  assert.is(r.getWithSession("n1", fresh).sessionId, fresh);
});

test("sessions: a fresh ID each registration; unknown node → NotFound, wrong or empty ID → InvalidArgument", () => {
  const { r } = registry();
  const a = register(r, "n1");
  const b = register(r, "n1");
  assert.is.not(a, b);
  assert.match(b, /^[0-9a-z]{25}$/);
  for (const [id, sid, code, msg] of [
    ["n2", b, "NotFound", "node not registered"],
    ["n1", a, "InvalidArgument", "session invalid"],
    ["n1", "", "InvalidArgument", "session invalid"],
  ] as const) {
    try {
      r.getWithSession(id, sid);
      assert.unreachable();
    } catch (e) {
      assert.ok(isRpcError(e, code), String(e));
      assert.is((e as Error).message, msg);
    }
  }
});

test("the heartbeat period is base ± epsilon, as a protobuf Duration", () => {
  const p = { heartbeatPeriodMs: 5000, heartbeatEpsilonMs: 500 } as Parameters<typeof choosePeriodMs>[0];
  assert.is(
    choosePeriodMs(p, () => 0),
    4500,
  );
  assert.ok(choosePeriodMs(p, () => 0.999999) < 5500);
  assert.equal(toDuration(4500), { seconds: "4", nanos: 500_000_000 });
  assert.is(durationToMs(toDuration(5123.5)), 5123.5);
});

test.run();

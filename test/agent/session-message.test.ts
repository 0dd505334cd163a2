import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSessionMessage, durationMs, managersOf } from "../../src/agent/session-message.ts";
import type { SessionMessage__Output } from "../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import { isRpcError } from "../../src/rpc/status.ts";

const msg = (over: Partial<SessionMessage__Output>): SessionMessage__Output => ({
  session_id: "s1",
  node: null,
  managers: [],
  network_bootstrap_keys: [],
  RootCA: Buffer.alloc(0),
  ...over,
});

test("the heartbeat period is read from a protobuf Duration, absent as 0 as in Go", () => {
  assert.is(durationMs({ seconds: "5", nanos: 0 }), 5000);
  assert.is(durationMs({ seconds: "4", nanos: 512_000_000 }), 4512);
  assert.is(durationMs({ seconds: "0", nanos: 450_000_000 }), 450);
  assert.is(durationMs(null), 0);
  assert.is(durationMs({ seconds: "-3", nanos: 0 }), 0);
});

test("managers without an address are skipped; weights arrive as 64-bit strings", () => {
  const managers = managersOf(
    msg({
      managers: [
        { peer: { node_id: "m1", addr: "10.0.0.1:2377" }, weight: "10" },
        { peer: { node_id: "m2", addr: "" }, weight: "10" },
        { peer: null, weight: "10" },
      ],
    }),
  );
  assert.equal(managers, [{ nodeId: "m1", addr: "10.0.0.1:2377", weight: 10 }]);
});

test("a message must carry a session ID; anything else is InvalidArgument", () => {
  assert.is(checkSessionMessage(msg({})).session_id, "s1");
  for (const bad of [null, "x", { session_id: "" }, { session_id: 3 }, { session_id: "s", managers: "m" }]) {
    assert.throws(
      () => checkSessionMessage(bad),
      (e: unknown) => isRpcError(e, "InvalidArgument"),
    );
  }
});

test.run();

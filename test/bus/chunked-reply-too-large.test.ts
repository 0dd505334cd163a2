import { test } from "uvu";
import * as assert from "uvu/assert";
import { respondChunked } from "../../src/bus/chunked-reply.ts";
import { okReply, requestEnvelope, sendReply } from "../../src/bus/envelope.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { memoryLog } from "../support/memory-log.ts";
import { useBus } from "./support/bus.ts";

const KB = 1024;
const bus = useBus(test, { maxPayload: 64 * KB });
const log = memoryLog();
/** About 600 KB of JSON. */
const big = okReply({ nodes: Array.from({ length: 6_000 }, (_, i) => `node-${i}-${"x".repeat(90)}`) });

test.before(async () => {
  // One responder that bounds its replies at 256 KB (as every daemon does at 64 MB), one that does not.
  bus.daemon.subscribe("big.bounded", {
    callback: (_e, msg) => sendReply(bus.daemon, msg, big, { log, context: {}, maxReplyBytes: 256 * KB }),
  });
  bus.daemon.subscribe("big.unbounded", {
    callback: (_e, msg) => respondChunked(bus.daemon, msg, JSON.stringify(big), { maxReplyBytes: 10 * 1024 * KB }),
  });
  bus.daemon.subscribe("big.default", {
    callback: (_e, msg) => sendReply(bus.daemon, msg, big, { log, context: {} }),
  });
  await bus.daemon.flush();
});

test("a reply over the responder's bound is answered ResourceExhausted instead of being sent", async () => {
  const e = await rejection(() => requestEnvelope(bus.cli, "big.bounded", "{}", { timeoutMs: 5_000, what: "m1" }));
  assert.ok(isRpcError(e, "ResourceExhausted"), String(e));
  assert.match((e as Error).message, /^the reply is \d+ bytes, more than the 262144 bytes allowed$/);
  assert.ok(log.lines.some((l) => l.msg === "reply too large to send"));
});

test("a chunked reply announced over the requester's bound is refused with ResourceExhausted", async () => {
  const started = Date.now();
  const e = await rejection(() =>
    requestEnvelope(bus.cli, "big.unbounded", "{}", { timeoutMs: 5_000, what: "m1", maxReplyBytes: 256 * KB }),
  );
  assert.ok(isRpcError(e, "ResourceExhausted"), String(e));
  assert.match((e as Error).message, /^m1 sent a reply of \d+ bytes, more than the 262144 bytes allowed$/);
  assert.ok(Date.now() - started < 4_000, "refused at the first chunk, not at the deadline");
});

test("a caller that takes no chunks (a plain NATS request) hears ResourceExhausted, not silence", async () => {
  const msg = await bus.cli.request("big.default", "{}", { timeout: 5_000 });
  const reply = msg.json() as { ok: boolean; error?: { code: number; message: string } };
  assert.is(reply.ok, false);
  assert.is(reply.error?.code, 8, "ResourceExhausted");
  assert.match(
    reply.error?.message ?? "",
    /^the reply is \d+ bytes, more than the NATS server's max_payload \(65536\), and the caller cannot take it in chunks$/,
  );
});

test.run();

import { headers, type Msg } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatChunkTag, REPLY_CHUNK_HEADER } from "../../src/bus/chunked-reply.ts";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { requestEnvelope } from "../../src/bus/envelope.ts";
import { daemon } from "../../src/bus/subjects.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { useBus } from "./support/bus.ts";

const bus = useBus(test, { maxPayload: 64 * 1024 });

/** A daemon that answers node.ls in 4 chunks and "loses" the ones in `drop`, as a lossy network would. */
function lossyDaemon(name: string, drop: number[]) {
  const body = Buffer.from(JSON.stringify({ ok: true, result: { self: "x", nodes: Array(20_000).fill("node") } }));
  const size = Math.ceil(body.length / 4);
  return bus.daemon.subscribe(daemon(name, "node.ls"), {
    callback: (_e, msg: Msg) => {
      for (let index = 0; index < 4; index++) {
        if (drop.includes(index) || !msg.reply) continue;
        const h = headers();
        h.set(REPLY_CHUNK_HEADER, formatChunkTag({ transferId: "t1", index, count: 4, total: body.length }));
        bus.daemon.publish(msg.reply, body.subarray(index * size, (index + 1) * size), { headers: h });
      }
    },
  });
}

test("a chunk lost in the middle ends the call at once with Unavailable, not at the deadline", async () => {
  const sub = lossyDaemon("lossy-mid", [1]);
  await bus.daemon.flush();
  const started = Date.now();
  const e = await rejection(() => callDaemon(bus.cli, "lossy-mid", "node.ls", {}, { timeoutMs: 30_000 }));
  assert.ok(isRpcError(e, "Unavailable"), String(e));
  assert.match(
    (e as Error).message,
    'the reply from the swarmbus daemon "lossy-mid" was cut short: chunk 1 of 4 was lost (chunk 2 came next)',
  );
  assert.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
  sub.unsubscribe();
});

test("a lost last chunk ends the call with Unavailable once the chunks stop coming", async () => {
  const sub = lossyDaemon("lossy-last", [3]);
  await bus.daemon.flush();
  const started = Date.now();
  const e = await rejection(() =>
    requestEnvelope(bus.cli, daemon("lossy-last", "node.ls"), "{}", { timeoutMs: 30_000, what: "lossy", stallMs: 300 }),
  );
  assert.ok(isRpcError(e, "Unavailable"), String(e));
  assert.match((e as Error).message, "the reply from lossy was cut short: no chunk for 300 ms after 3 of 4 chunks");
  assert.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
  sub.unsubscribe();
});

test("chunks that stop before the deadline, with a longer stall allowance, end in DeadlineExceeded", async () => {
  const sub = lossyDaemon("lossy-deadline", [2, 3]);
  await bus.daemon.flush();
  const e = await rejection(() =>
    requestEnvelope(bus.cli, daemon("lossy-deadline", "node.ls"), "{}", {
      timeoutMs: 400,
      what: "lossy",
      stallMs: 60_000,
    }),
  );
  assert.ok(isRpcError(e, "DeadlineExceeded"), String(e));
  assert.match((e as Error).message, "context deadline exceeded (lossy had sent 2 of 4 chunks)");
  sub.unsubscribe();
});

test.run();

import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { REPLY_CHUNK_HEADER } from "../../src/bus/chunked-reply.ts";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { serveDaemonApi } from "../../src/bus/daemon-server.ts";
import { onTeardown } from "../support/fixture.ts";
import { memoryLog } from "../support/memory-log.ts";
import { useBus } from "./support/bus.ts";
import { inactiveInfo as info } from "./support/inactive-info.ts";

const MAX_PAYLOAD = 64 * 1024;

/** A node as moby's node ls JSON carries it, about 300 bytes each, with text that is not ASCII. */
const row = (i: number) => ({
  ID: `node${String(i).padStart(21, "0")}`,
  Version: { Index: 1000 + i },
  Spec: { Labels: { zone: `z${i % 7}`, owner: "équipe-ß" }, Role: "worker", Availability: "active" },
  Description: { Hostname: `worker-${i}.swarm.example` },
  Status: { State: i % 10 === 0 ? "down" : "ready", Addr: `10.0.${i >> 8}.${i & 255}` },
});
const NODES = Array.from({ length: 2_000 }, (_, i) => row(i));

const bus = useBus(test, { maxPayload: MAX_PAYLOAD });
let spy: NatsConnection;
let stop: () => Promise<void>;
const replies: Msg[] = [];

test.before(async () => {
  spy = await bus.nats.connect("reply-spy", "unrestricted");
  // Every reply to a request goes to an inbox: counting them shows how a reply travelled.
  spy.subscribe("_INBOX.>", {
    callback: (_e, m) => {
      replies.push(m);
    },
  });
  await spy.flush();
  const server = serveDaemonApi(
    bus.daemon,
    "m1",
    { "node.ls": async () => ({ self: NODES[3]!.ID, nodes: NODES }), info: async () => info },
    { log: memoryLog() },
  );
  stop = server.stop;
  await bus.daemon.flush();
});

onTeardown(test, () => stop());

test("node.ls of several hundred KB through a server with a 64 KB max_payload comes back whole and equal", async () => {
  assert.ok(JSON.stringify(NODES).length > 500_000, "the reply is several hundred KB");
  replies.length = 0;
  const res = await callDaemon(bus.cli, "m1", "node.ls", {}, { timeoutMs: 10_000 });
  assert.is(res.self, NODES[3]!.ID);
  assert.equal(res.nodes, NODES);
  await spy.flush();
  const bytes = Buffer.byteLength(JSON.stringify({ ok: true, result: res }));
  assert.ok(replies.length >= bytes / MAX_PAYLOAD, `${bytes} bytes sent in chunks (${replies.length} messages)`);
  assert.ok(replies.every((m) => m.data.length <= MAX_PAYLOAD && m.headers?.get(REPLY_CHUNK_HEADER)));
});

test("a small reply stays one plain message", async () => {
  replies.length = 0;
  const res = await callDaemon(bus.cli, "m1", "info", {}, { timeoutMs: 5_000 });
  assert.equal(res, info);
  await bus.daemon.flush();
  await spy.flush();
  assert.is(replies.length, 1);
  assert.not.ok(replies[0]?.headers?.get(REPLY_CHUNK_HEADER));
});

test.run();

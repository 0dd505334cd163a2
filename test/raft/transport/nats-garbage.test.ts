import { headers, type NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../../src/bus/subjects.ts";
import { encodeEnvelope } from "../../../src/raft/codec.ts";
import { CHUNK_HEADER } from "../../../src/raft/transport/chunks.ts";
import { natsTransport, type RaftTransport } from "../../../src/raft/transport/index.ts";
import { REMOVED_HEADER } from "../../../src/raft/transport/removed-notice.ts";
import type { Message } from "../../../src/raft/types.ts";
import { onTeardown } from "../../support/fixture.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { waitFor } from "../../support/wait-for.ts";
import { asMember } from "./support/members.ts";
import { msg } from "./support/messages.ts";

const nats = useNatsServer(test);
let nc: NatsConnection;
let t: RaftTransport;
const log = memoryLog();
const got: Message[] = [];
const subject = () => subjects().raft("c1", "2", "node-1");

test.before(async () => {
  nc = await nats.connect("raft-garbage-test", "unrestricted");
  t = await natsTransport({ nc, clusterId: "c1", ...asMember("2"), inactiveAfterMs: 1000, log });
  t.onMessage((m) => got.push(m));
});
onTeardown(test, () => t?.close());

/** Publishes `bad`, then a good message; once the good one is in, the bad one was handled. */
async function dropsThenStillWorks(bad: () => void, expectedLog: string) {
  const before = got.length;
  bad();
  nc.publish(subject(), encodeEnvelope("c1", msg("MsgHeartbeat", "1", "2", { term: 9 })));
  await waitFor(() => got.length === before + 1, { timeoutMs: 5000, what: "the good message after the bad one" });
  assert.is(got[before]?.term, 9, "only the good message was delivered");
  assert.ok(log.messages().includes(expectedLog), `log has "${expectedLog}": ${JSON.stringify(log.messages())}`);
}

test("bytes that are not a raft envelope are dropped with a log line", async () => {
  await dropsThenStillWorks(
    () => nc.publish(subject(), new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02])),
    "raft transport: dropped a payload that is not a raft envelope",
  );
});

test("an envelope of another cluster is dropped", async () => {
  await dropsThenStillWorks(
    () => nc.publish(subject(), encodeEnvelope("other", msg("MsgVote", "1", "2", { term: 50 }))),
    "raft transport: dropped a message of another cluster",
  );
});

test("a message addressed to another member is dropped", async () => {
  await dropsThenStillWorks(
    () => nc.publish(subject(), encodeEnvelope("c1", msg("MsgVote", "1", "3", { term: 50 }))),
    "raft transport: dropped a message addressed to another member",
  );
});

test("an empty payload is dropped", async () => {
  await dropsThenStillWorks(
    () => nc.publish(subject(), new Uint8Array(0)),
    "raft transport: dropped a payload that is not a raft envelope",
  );
});

test("a chunk with a malformed tag is dropped", async () => {
  await dropsThenStillWorks(() => {
    const h = headers();
    h.set(CHUNK_HEADER, "x 5 2");
    nc.publish(subject(), new Uint8Array([1]), { headers: h });
  }, "raft transport: dropped a chunk with a malformed tag");
});

test("chunks from two senders never make one transfer", async () => {
  const whole = encodeEnvelope("c1", msg("MsgHeartbeat", "1", "2", { term: 77 }));
  const half = Math.ceil(whole.length / 2);
  const chunk = (sender: string, index: number, part: Uint8Array) => {
    const h = headers();
    h.set(CHUNK_HEADER, `t1 ${index} 2`);
    nc.publish(subjects().raft("c1", "2", sender), part, { headers: h });
  };
  const before = got.length;
  // A forger's first half, and member 1's second half of a transfer of the same ID.
  chunk("node-3", 0, whole.subarray(0, half));
  chunk("node-1", 1, whole.subarray(half));
  nc.publish(subject(), encodeEnvelope("c1", msg("MsgHeartbeat", "1", "2", { term: 9 })));
  await waitFor(() => got.length > before, { timeoutMs: 5000, what: "the good message" });
  assert.equal(
    got.slice(before).map((m) => m.term),
    [9],
    "the halves of two senders were not put together",
  );
});

test("a removal notice of another cluster is dropped", async () => {
  await dropsThenStillWorks(() => {
    const h = headers();
    h.set(REMOVED_HEADER, "other 1");
    nc.publish(subject(), new Uint8Array(0), { headers: h });
  }, "raft transport: dropped a malformed removal notice");
});

test.run();

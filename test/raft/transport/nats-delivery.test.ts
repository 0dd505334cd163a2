import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { natsTransport, type RaftTransport, type TransportReport } from "../../../src/raft/transport/index.ts";
import type { Message } from "../../../src/raft/types.ts";
import { onTeardown } from "../../support/fixture.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { waitFor } from "../../support/wait-for.ts";
import { asMember } from "./support/members.ts";
import { msg } from "./support/messages.ts";

const nats = useNatsServer(test);
let nc: NatsConnection;
const open: RaftTransport[] = [];

test.before(async () => {
  nc = await nats.connect("raft-transport-test", "unrestricted");
});
onTeardown(test, async () => {
  for (const t of open) await t.close();
});

async function pair(clusterId: string, opts: { maxPayload?: number } = {}) {
  const a = await natsTransport({ nc, clusterId, ...asMember("1"), inactiveAfterMs: 1000, ...opts });
  const b = await natsTransport({ nc, clusterId, ...asMember("2"), inactiveAfterMs: 1000, ...opts });
  open.push(a, b);
  a.addPeer("2");
  b.addPeer("1");
  const got: Message[] = [];
  b.onMessage((m) => got.push(m));
  return { a, b, got };
}

test("messages reach the member they are addressed to, in order and intact", async () => {
  const { a, got } = await pair("c1");
  const entry = { term: 3, index: 7, type: "normal" as const, data: new Uint8Array([1, 2, 3]) };
  a.send([
    msg("MsgHeartbeat", "1", "2", { term: 3, commit: 6 }),
    msg("MsgApp", "1", "2", { term: 3, logTerm: 3, index: 6, entries: [entry], commit: 6 }),
    msg("MsgVote", "1", "2", { term: 4 }),
  ]);
  await waitFor(() => got.length === 3, { timeoutMs: 5000, what: "three messages at member 2" });
  assert.equal(
    got.map((m) => m.type),
    ["MsgHeartbeat", "MsgApp", "MsgVote"],
  );
  assert.equal(got[1]?.entries[0], entry);
  assert.is(got[0]?.commit, 6);
});

test("a MsgSnap larger than max_payload arrives whole, in chunks, and is reported sent", async () => {
  const { a, got } = await pair("c2", { maxPayload: 16 * 1024 });
  const reports: TransportReport[] = [];
  a.onReport((r) => reports.push(r));
  const data = new Uint8Array(200 * 1024).map((_, i) => (i * 7) % 251);
  const snapshot = { metadata: { index: 40, term: 2, confState: { voters: ["1", "2"] } }, data };
  a.send([msg("MsgSnap", "1", "2", { term: 2, snapshot })]);
  await waitFor(() => got.length === 1, { timeoutMs: 5000, what: "the snapshot at member 2" });
  assert.equal(got[0]?.snapshot?.metadata, snapshot.metadata);
  assert.ok(Buffer.from(got[0]?.snapshot?.data ?? []).equals(Buffer.from(data)), "snapshot data intact");
  assert.equal(reports, [{ type: "snapshot", to: "2", ok: true }]);
});

test("a removal notice arrives as a `removed` report naming the teller and the removal's index", async () => {
  const { a, b } = await pair("c3");
  const reports: TransportReport[] = [];
  b.onReport((r) => reports.push(r));
  a.notifyRemoved("2", 7);
  await waitFor(() => reports.length === 1, { timeoutMs: 5000, what: "the removal notice" });
  assert.equal(reports, [{ type: "removed", by: "1", index: 7 }]);
});

test.run();

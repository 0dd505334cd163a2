import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { natsTransport, type RaftTransport, type TransportReport } from "../../../src/raft/transport/index.ts";
import { onTeardown } from "../../support/fixture.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { waitFor } from "../../support/wait-for.ts";
import { asMember } from "./support/members.ts";
import { msg } from "./support/messages.ts";

const nats = useNatsServer(test);
let nc: NatsConnection;
const open: RaftTransport[] = [];
let now = 1_000;
const clock = () => now;

test.before(async () => {
  nc = await nats.connect("raft-active-test", "unrestricted");
});
onTeardown(test, async () => {
  for (const t of open) await t.close();
});

test("unknown peers are inactive; a new peer is active until it fails to answer for an election timeout", async () => {
  const a = await natsTransport({ nc, clusterId: "c1", ...asMember("1"), inactiveAfterMs: 1000, now: clock });
  open.push(a);
  assert.not.ok(a.active("2"), "unknown peer");
  a.addPeer("2");
  assert.ok(a.active("2"), "a new peer is active");
  now += 5_000;
  assert.ok(a.active("2"), "a peer never sent to stays active (follower ↔ follower)");
  // 2 listens (so the bus does not say it is gone) but never answers: a peer cut off.
  open.push(await natsTransport({ nc, clusterId: "c1", ...asMember("2"), inactiveAfterMs: 1000, now: clock }));
  a.send([msg("MsgHeartbeat", "1", "2")]);
  await a.probe();
  now += 999;
  assert.ok(a.active("2"), "within the election timeout");
  now += 1;
  assert.not.ok(a.active("2"), "silent for an election timeout");
  assert.equal(a.peers(), ["2"]);
  a.removePeer("2");
  assert.not.ok(a.active("2"), "removed peer");
});

test("hearing from a silent peer makes it active again", async () => {
  const a = await natsTransport({ nc, clusterId: "c2", ...asMember("1"), inactiveAfterMs: 1000, now: clock });
  open.push(a);
  a.addPeer("2");
  a.send([msg("MsgHeartbeat", "1", "2")]);
  now += 2_000;
  assert.not.ok(a.active("2"));
  const b = await natsTransport({ nc, clusterId: "c2", ...asMember("2"), inactiveAfterMs: 1000, now: clock });
  open.push(b);
  b.send([msg("MsgHeartbeatResp", "2", "1")]);
  await waitFor(() => a.active("2"), { timeoutMs: 5000, what: "peer 2 active again after it answered" });
});

test("a peer that only campaigns (it hears nobody: one direction cut) stays inactive", async () => {
  const a = await natsTransport({ nc, clusterId: "c4", ...asMember("1"), inactiveAfterMs: 1000, now: clock });
  open.push(a);
  const b = await natsTransport({ nc, clusterId: "c4", ...asMember("2"), inactiveAfterMs: 1000, now: clock });
  open.push(b);
  a.addPeer("2");
  a.send([msg("MsgHeartbeat", "1", "2")]);
  now += 2_000;
  assert.not.ok(a.active("2"));
  let heard = 0;
  a.onMessage(() => {
    heard++;
  });
  b.send([msg("MsgPreVote", "2", "1"), msg("MsgVote", "2", "1")]);
  await waitFor(() => heard === 2, { timeoutMs: 5000, what: "peer 2's campaign delivered to 1" });
  assert.not.ok(a.active("2"), "a campaign is no answer");
  b.send([msg("MsgHeartbeatResp", "2", "1")]);
  await waitFor(() => a.active("2"), { timeoutMs: 5000, what: "peer 2 active after an answer" });
});

test("a failed send makes the peer inactive and is reported as unreachable", async () => {
  const nc2 = await nats.connect("raft-active-test-2", "unrestricted");
  const a = await natsTransport({ nc: nc2, clusterId: "c3", ...asMember("1"), inactiveAfterMs: 1000, now: clock });
  const reports: TransportReport[] = [];
  a.onReport((r) => reports.push(r));
  a.addPeer("2");
  await nc2.close();
  a.send([
    msg("MsgApp", "1", "2"),
    msg("MsgSnap", "1", "2", {
      snapshot: { metadata: { index: 1, term: 1, confState: { voters: ["1"] } }, data: new Uint8Array(1) },
    }),
  ]);
  assert.not.ok(a.active("2"));
  assert.equal(reports, [
    { type: "unreachable", to: "2" },
    { type: "unreachable", to: "2" },
    { type: "snapshot", to: "2", ok: false },
  ]);
  await a.close();
});

test.run();

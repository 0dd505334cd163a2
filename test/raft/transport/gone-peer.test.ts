import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  MemoryNetwork,
  natsTransport,
  type RaftTransport,
  type TransportReport,
} from "../../../src/raft/transport/index.ts";
import type { Message, RaftId } from "../../../src/raft/types.ts";
import { onTeardown } from "../../support/fixture.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { waitFor } from "../../support/wait-for.ts";
import { asMember } from "./support/members.ts";
import { msg } from "./support/messages.ts";

/**
 * A member whose process is gone (nobody listens for it any more) is inactive
 * as soon as something is sent to it, or at once on a probe, as SwarmKit's
 * failed send makes it; one that listens but stays silent keeps the
 * election-timeout rule. The same stories on NATS and on the in-memory twin.
 * The clock never moves unless a story says so: inactivity comes from the bus.
 */
const INACTIVE_AFTER_MS = 1000;
const nats = useNatsServer(test);
let nc: NatsConnection;
let now = 1_000;
const clock = () => now;
const log = memoryLog();
const open: RaftTransport[] = [];
let clusters = 0;

test.before(async () => {
  nc = await nats.connect("raft-gone-peer-test", "unrestricted");
});
onTeardown(test, async () => {
  for (const t of open) await t.close();
});

type Member = (raftId: RaftId) => Promise<RaftTransport>;
const memory = new MemoryNetwork({ now: clock, log });
const kinds: Record<string, (clusterId: string) => Member> = {
  nats: (clusterId) => async (raftId) =>
    natsTransport({ nc, clusterId, ...asMember(raftId), inactiveAfterMs: INACTIVE_AFTER_MS, now: clock, log }),
  memory: (clusterId) => async (raftId) => memory.transport(clusterId, raftId, { inactiveAfterMs: INACTIVE_AFTER_MS }),
};

for (const [kind, cluster] of Object.entries(kinds)) {
  /** A new cluster: a function that starts one of its members. */
  const newCluster = (): Member => {
    const member = cluster(`gone-${kind}-${++clusters}`);
    return async (raftId) => {
      const t = await member(raftId);
      open.push(t);
      return t;
    };
  };

  test(`${kind}: a peer that stopped listening is inactive at the next message to it, and active again once heard`, async () => {
    const member = newCluster();
    const [a, b] = [await member("1"), await member("2")];
    const reports: TransportReport[] = [];
    a.onReport((r) => reports.push(r));
    a.addPeer("2");
    await b.close();
    a.send([msg("MsgHeartbeat", "1", "2")]);
    await waitFor(() => !a.active("2"), { timeoutMs: 2000, what: "peer 2 inactive after a message nobody received" });
    assert.equal(reports, [{ type: "unreachable", to: "2" }]);

    const back = await member("2");
    back.send([msg("MsgHeartbeatResp", "2", "1")]);
    await waitFor(() => a.active("2"), { timeoutMs: 2000, what: "peer 2 active again once heard" });
  });

  test(`${kind}: a probe finds a gone peer without a message to any core; a silent listener waits for the timeout`, async () => {
    const member = newCluster();
    const [a, silent, gone] = [await member("1"), await member("2"), await member("3")];
    const got: Message[] = [];
    silent.onMessage((m) => got.push(m));
    a.addPeer("2");
    a.addPeer("3");
    await gone.close();
    const before = log.lines.length;
    await a.probe();
    assert.not.ok(a.active("3"), "the gone peer is inactive when the probe resolves");
    assert.ok(a.active("2"), "a peer that listens stays active");

    a.send([msg("MsgHeartbeat", "1", "2")]);
    await waitFor(() => got.length === 1, { timeoutMs: 2000, what: "the heartbeat on peer 2" });
    assert.equal(
      got.map((m) => m.type),
      ["MsgHeartbeat"],
      "the probe reached no core",
    );
    assert.equal(log.lines.slice(before), [], "nor a log line");
    await a.probe();
    assert.ok(a.active("2"), "silent, but inside the election timeout");
    now += INACTIVE_AFTER_MS;
    assert.not.ok(a.active("2"), "silent for an election timeout");
  });
}

test.run();

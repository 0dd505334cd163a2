import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type ControlBusServer,
  type ControlHandlers,
  controlClient,
  serveControlBus,
} from "../../../src/manager/control-bus/index.ts";
import { raftLeaderInfo } from "../../../src/manager/proxy/index.ts";
import { isRpcError } from "../../../src/rpc/status.ts";
import { enc, type Member, RaftCluster, testProfile } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";
import { settledWithin } from "../support/settled-within.ts";
import { TOKENS } from "./support/bus-cluster.ts";

// Three real Raft members on a real nats-server, each serving the control bus with LeaderInfo from its RaftNode.
let cluster: RaftCluster;
let client: NatsConnection;
const servers = new Map<string, ControlBusServer>();

function serve(m: Member): void {
  const handlers: Pick<ControlHandlers, "rotateJoinToken"> = {
    // A write: a Raft proposal on the leader, answered once committed.
    rotateJoinToken: async (role) => {
      await m.node.propose(enc(`rotate ${role}`));
      return { ...TOKENS, [role]: `rotated-by-${m.id}` };
    },
  };
  servers.set(
    m.id,
    serveControlBus({
      nc: m.nc,
      clusterId: cluster.clusterId,
      self: { nodeId: `node-${m.id}`, raftId: m.id, addr: `127.0.0.1:${2000 + Number(m.id)}` },
      // Every call here comes from a manager's daemon; who may call is caller-auth's test.
      callers: () => "manager",
      leader: raftLeaderInfo(m.node),
      handlers: handlers as ControlHandlers,
      readBarrier: (deadline) => m.node.readBarrier(deadline),
      profile: { ...testProfile, requestTimeoutMs: 5000 },
      log: { warn: () => {}, error: () => {} },
    }),
  );
}

test.before(async () => {
  cluster = await RaftCluster.start();
  await cluster.three();
  for (const m of cluster.running()) serve(m);
  client = await cluster.nats.connect("control-client", "unrestricted");
});
test.after(async () => {
  await client.close();
  for (const s of servers.values()) await s.stop();
  await cluster.stop();
});

test("a write taken by any manager is proposed on the Raft leader", async () => {
  const leader = await cluster.leader();
  const control = controlClient(client, cluster.clusterId, { timeoutMs: 5000, caller: "node-1" });
  for (let i = 0; i < 6; i++) assert.is((await control.rotateJoinToken("worker")).worker, `rotated-by-${leader.id}`);
  await cluster.converged(Array(6).fill("rotate worker"));
});

test("the leader dies: the control API works again through the survivors, on the new leader", async () => {
  const old = await cluster.leader();
  await servers.get(old.id)?.stop();
  await cluster.stopMember(old.id);
  const control = controlClient(client, cluster.clusterId, { timeoutMs: 5000, caller: "node-1" });
  const r = await control.rotateJoinToken("manager");
  const next = await cluster.leader();
  assert.is.not(next.id, old.id);
  assert.is(r.manager, `rotated-by-${next.id}`);
});

test("two of three managers gone: once the survivor has had no leader for the lost-quorum timeout, Unknown at once", async () => {
  const [a, b] = cluster.running();
  if (!a || !b) throw new Error("expected two running members");
  await servers.get(a.id)?.stop();
  await cluster.stopMember(a.id);
  await waitFor(() => b.node.lostQuorum(), { timeoutMs: 10_000, what: "the survivor to see quorum lost" });
  const control = controlClient(client, cluster.clusterId, { timeoutMs: 60_000, caller: "node-1" });
  const call = control.rotateJoinToken("worker").then(
    () => undefined,
    (e: unknown) => e,
  );
  const err = await settledWithin(call, 5000, "the lost-quorum answer");
  assert.ok(isRpcError(err, "Unknown"), String(err));
  assert.is(
    (err as Error).message,
    "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.",
  );
});

test.run();

import { Metadata } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { HealthCheckResponse__Output } from "../../../src/gen/docker/swarmkit/v1/HealthCheckResponse.ts";
import { type BoundServer, serveManager } from "../../../src/manager/grpc-server.ts";
import { HealthServer, type ServingStatus } from "../../../src/manager/health.ts";
import { type LeaderProxy, leaderProxy } from "../../../src/manager/proxy/index.ts";
import { swarmkit } from "../../../src/rpc/proto.ts";
import { quickRaftProfile } from "../support/quick-raft-profile.ts";
import {
  CLUSTER,
  callerCredentials,
  FakeManager,
  fakeManagerCredentials,
  ManualLeader,
  managerIdentity,
  nodeCAAt,
  unary,
} from "./support/proxied-manager.ts";

/**
 * A follower answers Health from its own table and does not relay it to the
 * leader (the leader's health check of a joiner asks about the joiner itself),
 * while a NodeCA call on the same follower is relayed.
 */
interface Side {
  fake: FakeManager;
  leader: ManualLeader;
  proxy: LeaderProxy;
  server: BoundServer;
}
let leaderSide: Side;
let followerSide: Side;
const clients: { close(): void }[] = [];

async function side(name: string, raft: ServingStatus): Promise<Side> {
  const creds = await fakeManagerCredentials(name);
  const fake = new FakeManager(name, creds.server);
  const health = new HealthServer();
  health.setServingStatus("Raft", raft);
  const leader = new ManualLeader();
  const proxy = leaderProxy({
    local: { ...fake.services(), health: health.handlers(fake.creds) },
    leader,
    profile: quickRaftProfile,
    clientCredentials: creds.client,
    serverCredentials: fake.creds,
    clusterId: () => CLUSTER,
  });
  return { fake, leader, proxy, server: await serveManager("127.0.0.1:0", fake.creds, proxy.services) };
}

test.before(async () => {
  leaderSide = await side("leader", "SERVING");
  leaderSide.leader.leader = true;
  followerSide = await side("follower", "NOT_SERVING");
  followerSide.leader.addr = leaderSide.server.listenAddr;
});
test.after(async () => {
  for (const c of clients) c.close();
  for (const s of [followerSide, leaderSide]) {
    s.proxy.close();
    await s.server.shutdown(100);
  }
});

test("Health.Check on a follower is answered by the follower itself", async () => {
  const caller = callerCredentials(managerIdentity("caller"));
  const client = new swarmkit.Health(
    followerSide.server.listenAddr,
    caller.channelCredentials(),
    caller.channelOptions(),
  );
  clients.push(client);
  const md = new Metadata();
  const r = await unary<HealthCheckResponse__Output>((cb) => client.Check({ service: "Raft" }, md, cb));
  assert.equal(r.ok && r.res.status, "NOT_SERVING", "the follower's own status, not the leader's SERVING");
  assert.is(followerSide.leader.addrReads, 0, "the follower did not even look up the leader");

  // The same follower relays NodeCA to the leader (the proxy is in place).
  const ca = nodeCAAt(followerSide.server.listenAddr);
  clients.push(ca);
  await unary((cb) => ca.IssueNodeCertificate({ token: "t" }, md, cb));
  assert.equal(
    leaderSide.fake.seen.map((s) => s.method),
    ["IssueNodeCertificate"],
  );
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { type BoundServer, serveManager } from "../../../src/manager/grpc-server.ts";
import { type LeaderProxy, leaderProxy } from "../../../src/manager/proxy/index.ts";
import { managerCredentials } from "../../support/tls-fixture.ts";
import { identityMetadata, routingDispatcher, type TestNodes } from "../support/dispatcher-client.ts";
import { joinWorker, openSession, startCluster, type TestCluster } from "../support/manager-cluster.ts";
import { FakeManager, ManualLeader, unary } from "./support/proxied-manager.ts";

// The real Dispatcher of a running manager, served behind the proxy on a second port as the leader; a follower
// (fake local handlers) relays to it. A worker that talks only to the follower registers on the leader as itself.
let c: TestCluster;
let leaderSide: { proxy: LeaderProxy; server: BoundServer };
let followerSide: { proxy: LeaderProxy; server: BoundServer; leader: ManualLeader };
const clients: { close(): void }[] = [];
/** The worker's channels to the follower, each with its own certificate of the cluster's root. */
let toFollower: TestNodes;

test.before(async () => {
  c = await startCluster();
  const creds = c.creds.server;
  const leaderInfo = new ManualLeader();
  leaderInfo.leader = true;
  const lp = leaderProxy({
    local: { dispatcher: c.manager.dispatcher.handlers(), nodeCA: {}, rootCA: {} },
    leader: leaderInfo,
    profile: c.profile,
    clientCredentials: c.creds.client,
    serverCredentials: creds,
    clusterId: () => c.clusterId,
  });
  leaderSide = { proxy: lp, server: await serveManager("127.0.0.1:0", creds, lp.services) };
  const followerInfo = new ManualLeader();
  followerInfo.addr = leaderSide.server.listenAddr;
  const follower = await managerCredentials(c.root, {
    nodeId: "followermanager",
    role: "swarm-manager",
    clusterId: c.clusterId,
  });
  const fake = new FakeManager("follower", follower.server);
  const fp = leaderProxy({
    local: fake.services(),
    leader: followerInfo,
    profile: c.profile,
    clientCredentials: follower.client,
    serverCredentials: follower.server,
    clusterId: () => c.clusterId,
  });
  followerSide = {
    proxy: fp,
    leader: followerInfo,
    server: await serveManager("127.0.0.1:0", follower.server, fp.services),
  };
  toFollower = { root: c.root, channels: new Map(), addr: () => followerSide.server.listenAddr };
});
test.after(async () => {
  for (const x of clients) x.close();
  followerSide.proxy.close();
  leaderSide.proxy.close();
  await followerSide.server.shutdown(100);
  await leaderSide.server.shutdown(100);
  await c.close();
});

test("a worker's session and heartbeats through a follower register it on the leader, as itself, at its address", async () => {
  const worker = await joinWorker(c);
  const md = await identityMetadata(toFollower, worker.identity);
  const client = routingDispatcher(toFollower);
  clients.push(client);
  const s = openSession(c, client, md);
  const first = await s.first;
  assert.is(first.node?.id, worker.identity.nodeId, "the session is the worker's, not the follower's");
  const node = c.manager.getNode(worker.identity.nodeId);
  assert.is(node.status?.state, "READY");
  assert.is(node.status?.addr, "127.0.0.1", "the worker's address, from the forwarded remote address");
  const hb = await unary<{ period: { seconds: string } | null }>((cb) =>
    client.Heartbeat({ session_id: first.session_id }, md, { deadline: Date.now() + 5000 }, cb),
  );
  assert.ok(hb.ok, hb.ok ? "" : hb.err.grpcText);
});

test("a node that is not registered gets the leader's answer through the follower", async () => {
  const client = routingDispatcher(toFollower);
  clients.push(client);
  const md = await identityMetadata(toFollower, { nodeId: "ghostnode", role: "swarm-worker", clusterId: c.clusterId });
  const r = await unary((cb) => client.Heartbeat({ session_id: "x" }, md, { deadline: Date.now() + 5000 }, cb));
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.err.grpcText, "rpc error: code = NotFound desc = node not registered");
});

test.run();

import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { REPLY_CHUNK_HEADER } from "../../../src/bus/chunked-reply.ts";
import { callDaemon } from "../../../src/bus/daemon-client.ts";
import { serveDaemonApi } from "../../../src/bus/daemon-server.ts";
import type { Node__Output } from "../../../src/gen/docker/swarmkit/v1/Node.ts";
import { controlClient, decodeNode, encodeNode } from "../../../src/manager/control-bus/index.ts";
import { connectAs } from "../../support/nats-server.ts";
import { BusCluster, CALLER, CLUSTER, nodeServedBy } from "./support/bus-cluster.ts";

const MAX_PAYLOAD = 64 * 1024;
let c: BusCluster;
let nodes: Node__Output[];
const chunksTo: Record<string, number> = {};
const stops: (() => Promise<void>)[] = [];
let spy: NatsConnection;

test.before(async () => {
  c = await BusCluster.start(3, { maxPayload: MAX_PAYLOAD });
  nodes = Array.from({ length: 4_000 }, (_, i) => nodeServedBy(`n${i}`, "m1"));
  c.manager("1").nodes = () => nodes;
  c.elect("1");
  // Counts the chunks each hop carries: the leader → follower forward, the follower → caller reply.
  // Reads every inbox (the caller's `_INBOX`, the forwarding follower's `_INBOX_m2`): no role may.
  spy = await connectAs(c.nats, "chunk-spy", "unrestricted");
  spy.subscribe(">", {
    callback: (_e, m: Msg) => {
      if (m.headers?.get(REPLY_CHUNK_HEADER)) chunksTo[m.subject] = (chunksTo[m.subject] ?? 0) + 1;
    },
  });
  await spy.flush();
  stops.push(() => spy.close());
});
test.after(async () => {
  for (const s of stops) await s();
  await c.stop();
});

// What comes back is compared through the wire codec: a Node__Output's defaults (null vs absent) are the codec's business.
const canonical = (ns: Node__Output[]) => ns.map((n) => decodeNode(encodeNode(n), "test"));

test("listNodes of several hundred KB through a follower, on a 64 KB max_payload server, comes back whole and equal", async () => {
  const size = nodes.reduce((sum, n) => sum + encodeNode(n).length, 0);
  assert.ok(size > 400_000, `the list is several hundred KB (${size} bytes of encoded nodes)`);
  const viaFollower = controlClient(c.client, CLUSTER, { timeoutMs: 10_000, caller: CALLER, via: () => "2" });
  const got = await viaFollower.listNodes();
  assert.equal(got, canonical(nodes));
  assert.equal(c.manager("2").calls, [], "the follower forwarded, it did not serve");
  assert.equal(c.manager("1").calls, ["listNodes"]);
  // The server routed every chunk to the spy before it answers the spy's ping.
  await spy.flush();
  const hops = Object.values(chunksTo);
  assert.is(hops.length, 2, `two chunked hops: ${JSON.stringify(chunksTo)}`);
  for (const n of hops) assert.ok(n >= size / MAX_PAYLOAD, `each hop carried the list in chunks (${n})`);
});

test("node.ls through the daemon API on top of it (CLI → daemon → follower → leader) comes back whole", async () => {
  const daemonNc = await connectAs(c.nats, "daemon-d1", "unrestricted");
  const ctl = controlClient(daemonNc, CLUSTER, { timeoutMs: 10_000, caller: CALLER, via: () => "3" });
  const server = serveDaemonApi(daemonNc, "d1", {
    "node.ls": async () => ({ self: "n7", nodes: (await ctl.listNodes()).map((n) => ({ ID: n.id, Spec: n.spec })) }),
  });
  stops.push(async () => {
    await server.stop();
    await daemonNc.close();
  });
  await daemonNc.flush();
  const res = await callDaemon(c.client, "d1", "node.ls", {}, { timeoutMs: 10_000 });
  assert.is(res.nodes.length, nodes.length);
  assert.equal(
    res.nodes,
    canonical(nodes).map((n) => JSON.parse(JSON.stringify({ ID: n.id, Spec: n.spec }))),
  );
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import type { HeartbeatResponse__Output } from "../../src/gen/docker/swarmkit/v1/HeartbeatResponse.ts";
import { durationToMs } from "../../src/manager/period.ts";
import { rpcRejection } from "../support/caught.ts";
import { waitFor } from "../support/wait-for.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import {
  call,
  dispatcherClient,
  joinWorker,
  openSession,
  startCluster,
  type TestCluster,
} from "./support/manager-cluster.ts";

let c: TestCluster;
test.before.each(async () => {
  c = await startCluster();
});
test.after.each(async () => {
  await c.close();
});

test("Heartbeat returns a period within base ± epsilon", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const { session_id } = await openSession(c, client, md).first;
  const { heartbeatPeriodMs: base, heartbeatEpsilonMs: eps } = c.profile;
  for (let i = 0; i < 20; i++) {
    const res = await call<HeartbeatResponse__Output>((cb) => client.Heartbeat({ session_id }, md, cb));
    const ms = durationToMs(res.period!);
    assert.ok(ms >= base - eps && ms < base + eps, `period ${ms} ms outside ${base} ± ${eps}`);
  }
});

test("heartbeats keep a node READY; when they stop it goes DOWN 'heartbeat failure' and its stream ends", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const s = openSession(c, client, md);
  const { session_id } = await s.first;
  const id = worker.identity.nodeId;
  // Heartbeat for well over one grace period (3 × ~200 ms): the node stays READY throughout.
  const graceMs = c.profile.heartbeatPeriodMs * c.profile.gracePeriodMultiplier;
  const beatsUntil = Date.now() + graceMs * 2;
  while (Date.now() < beatsUntil) {
    await call((cb) => client.Heartbeat({ session_id }, md, cb));
    assert.is(c.manager.getNode(id).status?.state, "READY");
    await new Promise((r) => setTimeout(r, c.profile.heartbeatPeriodMs / 2));
  }
  // Stop heartbeating: DOWN after the grace period.
  const down = await waitFor(() => c.manager.getNode(id).status?.state === "DOWN" && c.manager.getNode(id), {
    timeoutMs: graceMs * 10,
    what: "the node to go DOWN",
  });
  assert.is(down.status?.message, "heartbeat failure");
  const end = await s.ended;
  assert.is(end.grpcText, "rpc error: code = NotFound desc = node not registered");
  const hb = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id }, md, cb)));
  assert.is(hb.grpcText, "rpc error: code = NotFound desc = node not registered");
  // The agent re-registers and the node is READY again.
  const again = await openSession(c, client, md).first;
  assert.is.not(again.session_id, session_id);
  assert.is(c.manager.getNode(id).status?.state, "READY");
});

test.run();

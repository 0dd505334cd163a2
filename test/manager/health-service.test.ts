import { credentials } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { HealthCheckResponse__Output } from "../../src/gen/docker/swarmkit/v1/HealthCheckResponse.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { rpcRejection } from "../support/caught.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import { call, joinWorker, startCluster, type TestCluster } from "./support/manager-cluster.ts";

/** SwarmKit's Health service on a manager's gRPC listener: Check("Raft") is what the leader asks a joiner. */
let c: TestCluster;
let client: InstanceType<typeof swarmkit.Health>;
test.before(async () => {
  c = await startCluster();
  client = new swarmkit.Health(c.manager.listenAddr, credentials.createInsecure());
  c.closers.push(() => client.close());
});
test.after(async () => {
  await c.close();
});

const asManager = () => identityMetadata({ nodeId: c.managerId, role: "swarm-manager", clusterId: c.clusterId });
const check = (service: string) =>
  call<HealthCheckResponse__Output>((cb) => client.Check({ service }, asManager(), cb));

test("Raft (and the server itself) is SERVING; any other service is NotFound 'unknown service'", async () => {
  assert.is((await check("Raft")).status, "SERVING");
  assert.is((await check("")).status, "SERVING");
  const e = await rpcRejection(() => check("Dispatcher"));
  assert.is(e.grpcText, "rpc error: code = NotFound desc = unknown service");
});

test("only managers may ask: a worker is PermissionDenied", async () => {
  const w = await joinWorker(c);
  const e = await rpcRejection(() => call((cb) => client.Check({ service: "Raft" }, identityMetadata(w.identity), cb)));
  assert.is(
    e.grpcText,
    "rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: swarm-worker",
  );
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ClientSideCredentials } from "../../src/ca/credentials.ts";
import { tlsClientCredentials } from "../../src/ca/tls/client-credentials.ts";
import { LiveTlsMaterial } from "../../src/ca/tls/tls-material.ts";
import type { HealthCheckResponse__Output } from "../../src/gen/docker/swarmkit/v1/HealthCheckResponse.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { rpcRejection } from "../support/caught.ts";
import { anonymousCredentials, clientCredentialsFor } from "../support/tls-fixture.ts";
import { call, joinWorker, startCluster, type TestCluster } from "./support/manager-cluster.ts";

/** SwarmKit's Health service on a manager's gRPC listener: Check("Raft") is what the leader asks a joiner. */
let c: TestCluster;
test.before(async () => {
  c = await startCluster();
});
test.after(async () => {
  await c.close();
});

/** Check on a channel of its own, presenting `creds`' certificate. */
function checkAs(creds: ClientSideCredentials, service: string) {
  const client = new swarmkit.Health(c.manager.listenAddr, creds.channelCredentials(), creds.channelOptions());
  c.closers.push(() => client.close());
  return call<HealthCheckResponse__Output>((cb) => client.Check({ service }, cb));
}

const asManager = () =>
  clientCredentialsFor(c.root, { nodeId: c.managerId, role: "swarm-manager", clusterId: c.clusterId });

test("Raft (and the server itself) is SERVING; any other service is NotFound 'unknown service'", async () => {
  const manager = await asManager();
  assert.is((await checkAs(manager, "Raft")).status, "SERVING");
  assert.is((await checkAs(manager, "")).status, "SERVING");
  const e = await rpcRejection(() => checkAs(manager, "Dispatcher"));
  assert.is(e.grpcText, "rpc error: code = NotFound desc = unknown service");
});

test("only managers may ask: a worker's certificate is PermissionDenied with SwarmKit's text", async () => {
  const w = await joinWorker(c);
  const worker = tlsClientCredentials(
    w.identity,
    new LiveTlsMaterial({ rootCA: c.root.certificate, certificate: w.certificate, key: w.key }),
  );
  const e = await rpcRejection(() => checkAs(worker, "Raft"));
  assert.is(
    e.grpcText,
    "rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = Permission denied: remote certificate not part of OUs: [swarm-manager]",
  );
});

test("a TLS client without a certificate is PermissionDenied", async () => {
  const none = anonymousCredentials(c.root.certificate, { nodeId: "", role: "swarm-manager", clusterId: "" });
  const e = await rpcRejection(() => checkAs(none, "Raft"));
  assert.is(
    e.grpcText,
    "rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = no client certificates in request",
  );
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Node__Output } from "../../src/gen/docker/swarmkit/v1/Node.ts";
import { goTime, nodeFromGrpc } from "../../src/node/convert.ts";

const node = (over: Partial<Node__Output> = {}): Node__Output => ({
  id: "abcdefghijklmnopqrstuvwxy",
  meta: {
    version: { index: "12" },
    created_at: { seconds: "1700000000", nanos: 120000000 },
    updated_at: { seconds: "1700000001", nanos: 0 },
  },
  spec: {
    annotations: { name: "", labels: { zone: "a" } },
    desired_role: "MANAGER",
    membership: "ACCEPTED",
    availability: "DRAIN",
  },
  description: {
    hostname: "m1",
    platform: { architecture: "x86_64", os: "linux" },
    resources: { nano_cpus: "2000000000", memory_bytes: "1024" },
    engine: { engine_version: "swarmbus-0.1.0", labels: {} },
    tls_info: null,
    fips: false,
  },
  status: { state: "READY", message: "", addr: "127.0.0.1" },
  manager_status: { raft_id: "1", addr: "127.0.0.1:2377", leader: true, reachability: "REACHABLE" },
  certificate: null,
  role: "WORKER",
  ...over,
});

test("Go's time.Time JSON: RFC 3339, trailing zeros of nanoseconds dropped, zero time", () => {
  assert.is(goTime({ seconds: "1700000000", nanos: 120000000 }), "2023-11-14T22:13:20.12Z");
  assert.is(goTime({ seconds: "1700000000", nanos: 5 }), "2023-11-14T22:13:20.000000005Z");
  assert.is(goTime({ seconds: "1700000000", nanos: 0 }), "2023-11-14T22:13:20Z");
  assert.is(goTime(null), "0001-01-01T00:00:00Z");
});

test("a SwarmKit node as moby's API shows it: lowercase enums, role from DesiredRole", () => {
  assert.equal(nodeFromGrpc(node()), {
    ID: "abcdefghijklmnopqrstuvwxy",
    Version: { Index: 12 },
    CreatedAt: "2023-11-14T22:13:20.12Z",
    UpdatedAt: "2023-11-14T22:13:21Z",
    Spec: { Labels: { zone: "a" }, Role: "manager", Availability: "drain" },
    Description: {
      Hostname: "m1",
      Platform: { Architecture: "x86_64", OS: "linux" },
      Resources: { NanoCPUs: 2000000000, MemoryBytes: 1024 },
      Engine: { EngineVersion: "swarmbus-0.1.0" },
      TLSInfo: {},
    },
    Status: { State: "ready", Addr: "127.0.0.1" },
    ManagerStatus: { Leader: true, Reachability: "reachable", Addr: "127.0.0.1:2377" },
  });
});

test("a worker has no ManagerStatus; a status message is kept", () => {
  const n = nodeFromGrpc(
    node({
      manager_status: null,
      spec: { annotations: null, desired_role: "WORKER", membership: "ACCEPTED", availability: "ACTIVE" },
      status: { state: "DOWN", message: "heartbeat failure", addr: "10.0.0.2" },
    }),
  );
  assert.is(n.ManagerStatus, undefined);
  assert.is(n.Spec.Role, "worker");
  assert.equal(n.Status, { State: "down", Message: "heartbeat failure", Addr: "10.0.0.2" });
  assert.equal(n.Spec.Labels, {});
});

test("node inspect's JSON is moby's swarm.Node field for field: Go's order, omitempty zeros left out, TLSInfo", () => {
  const root = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const registered = node({
    description: {
      ...(node().description as NonNullable<Node__Output["description"]>),
      tls_info: {
        trust_root: Buffer.from(root),
        cert_issuer_subject: Buffer.from([1, 2]),
        cert_issuer_public_key: Buffer.alloc(0),
      },
    },
  });
  assert.is(
    JSON.stringify(nodeFromGrpc(registered)),
    JSON.stringify({
      ID: "abcdefghijklmnopqrstuvwxy",
      Version: { Index: 12 },
      CreatedAt: "2023-11-14T22:13:20.12Z",
      UpdatedAt: "2023-11-14T22:13:21Z",
      Spec: { Labels: { zone: "a" }, Role: "manager", Availability: "drain" },
      Description: {
        Hostname: "m1",
        Platform: { Architecture: "x86_64", OS: "linux" },
        Resources: { NanoCPUs: 2000000000, MemoryBytes: 1024 },
        Engine: { EngineVersion: "swarmbus-0.1.0" },
        TLSInfo: { TrustRoot: root, CertIssuerSubject: "AQI=" },
      },
      Status: { State: "ready", Addr: "127.0.0.1" },
      ManagerStatus: { Leader: true, Reachability: "reachable", Addr: "127.0.0.1:2377" },
    }),
  );
  // A node the CA created whose agent has not registered yet: no description, its structs still written.
  const pending = nodeFromGrpc(node({ description: null, meta: null, manager_status: null }));
  assert.is(
    JSON.stringify(pending.Description),
    JSON.stringify({ Platform: {}, Resources: {}, Engine: {}, TLSInfo: {} }),
  );
  assert.equal(pending.Version, {}, "Version.Index carries omitempty");
  assert.is(pending.CreatedAt, "0001-01-01T00:00:00Z");
});

test.run();

import { Client, type Metadata } from "@grpc/grpc-js";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { HeartbeatResponse__Output } from "../../src/gen/docker/swarmkit/v1/HeartbeatResponse.ts";
import { Code, type RpcError, toRpcError } from "../../src/rpc/status.ts";
import { clientCredentialsFor } from "../support/tls-fixture.ts";
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
test.before(async () => {
  c = await startCluster();
});
test.after(async () => {
  await c.close();
});

/** A string field of each request message (session_id, token, node_id). */
const stringField: Record<string, number> = {
  "/docker.swarmkit.v1.Dispatcher/Heartbeat": 1,
  "/docker.swarmkit.v1.Dispatcher/UpdateTaskStatus": 1,
  "/docker.swarmkit.v1.NodeCA/IssueNodeCertificate": 3,
  "/docker.swarmkit.v1.NodeCA/NodeCertificateStatus": 1,
  "/docker.swarmkit.v1.Dispatcher/Session": 2,
  "/docker.swarmkit.v1.Dispatcher/Assignments": 1,
};

function garbage(path: string): Record<string, Buffer> {
  const f = stringField[path]!;
  return {
    "bytes that are not protobuf": Buffer.from("deadbeefcafebabe0011", "hex"),
    "a length past the end": Buffer.from([(f << 3) | 2, 0xff, 0xff, 0xff, 0x0f]),
    "a varint where a string belongs": Buffer.from([f << 3, 0x05]),
    "a fixed64 where a string belongs": Buffer.from([(f << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8]),
    "invalid UTF-8 in a string": Buffer.from([(f << 3) | 2, 0x02, 0xc3, 0x28]),
  };
}

const unary = [
  "/docker.swarmkit.v1.Dispatcher/Heartbeat",
  "/docker.swarmkit.v1.Dispatcher/UpdateTaskStatus",
  "/docker.swarmkit.v1.NodeCA/IssueNodeCertificate",
  "/docker.swarmkit.v1.NodeCA/NodeCertificateStatus",
];
const streaming = ["/docker.swarmkit.v1.Dispatcher/Session", "/docker.swarmkit.v1.Dispatcher/Assignments"];

function rawUnary(client: Client, path: string, bytes: Buffer, md: Metadata): Promise<RpcError | "ok"> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      md,
      (err) => resolve(err ? toRpcError(err) : "ok"),
    );
  });
}

function rawStream(client: Client, path: string, bytes: Buffer, md: Metadata): Promise<RpcError | "ok"> {
  return new Promise((resolve) => {
    const s = client.makeServerStreamRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      md,
    );
    s.on("data", () => {
      s.cancel();
      resolve("ok");
    });
    s.on("error", (e) => resolve(toRpcError(e)));
  });
}

test("garbage on every RPC → InvalidArgument with a clear message; the next good call still works", async () => {
  const worker = await joinWorker(c);
  const md = await identityMetadata(c, worker.identity);
  const creds = await clientCredentialsFor(c.root, worker.identity);
  const raw = new Client(c.manager.listenAddr, creds.channelCredentials(), creds.channelOptions());
  c.closers.push(() => raw.close());
  const client = dispatcherClient(c);
  for (const path of [...unary, ...streaming]) {
    for (const [what, bytes] of Object.entries(garbage(path))) {
      const r = unary.includes(path) ? await rawUnary(raw, path, bytes, md) : await rawStream(raw, path, bytes, md);
      assert.ok(r !== "ok", `${path} accepted ${what}`);
      assert.is(r.code, 3, `${path} with ${what}: ${r.grpcText}`);
      assert.match(r.message, /^malformed \w+ request: /, `${path} with ${what}: ${r.message}`);
    }
  }
  const { session_id } = await openSession(c, client, md).first;
  const hb = await call<HeartbeatResponse__Output>((cb) => client.Heartbeat({ session_id }, md, cb));
  assert.ok(hb.period);
});

test("random bytes on Heartbeat: always a clean status (never INTERNAL or UNKNOWN), and the server keeps serving", async () => {
  const worker = await joinWorker(c);
  const md = await identityMetadata(c, worker.identity);
  const creds = await clientCredentialsFor(c.root, worker.identity);
  const raw = new Client(c.manager.listenAddr, creds.channelCredentials(), creds.channelOptions());
  c.closers.push(() => raw.close());
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
      const r = await rawUnary(raw, "/docker.swarmkit.v1.Dispatcher/Heartbeat", Buffer.from(bytes), md);
      // Bytes that happen to be a valid HeartbeatRequest get Swarm's session answers.
      return r !== "ok" && (r.code === Code.InvalidArgument || r.code === Code.NotFound);
    }),
    { numRuns: 200 },
  );
  const client = dispatcherClient(c);
  const { session_id } = await openSession(c, client, md).first;
  assert.ok((await call<HeartbeatResponse__Output>((cb) => client.Heartbeat({ session_id }, md, cb))).period);
});

test.run();

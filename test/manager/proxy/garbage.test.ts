import type { Client, Metadata } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code, type RpcError, toRpcError } from "../../../src/rpc/status.ts";
import {
  deadlineIn,
  dispatcherAt,
  identityMetadata,
  type ProxiedManager,
  rawClientAt,
  startManager,
  unary,
  workerIdentity,
} from "./support/proxied-manager.ts";

let leader: ProxiedManager;
let follower: ProxiedManager;
const clients: { close(): void }[] = [];

test.before(async () => {
  leader = await startManager("leader");
  follower = await startManager("follower");
  leader.leader.leader = true;
  follower.leader.addr = leader.addr;
});
test.after(async () => {
  for (const c of clients) c.close();
  await follower.close();
  await leader.close();
});

const bad: Record<string, Buffer> = {
  "bytes that are not protobuf": Buffer.from("deadbeefcafebabe0011", "hex"),
  "a length past the end": Buffer.from([(1 << 3) | 2, 0xff, 0xff, 0xff, 0x0f]),
  "a varint where a string belongs": Buffer.from([1 << 3, 0x05]),
};

function raw(client: Client, path: string, bytes: Buffer, md: Metadata, stream: boolean): Promise<RpcError | "ok"> {
  return new Promise((resolve) => {
    const id = (b: Buffer) => b;
    if (!stream) {
      client.makeUnaryRequest(path, id, id, bytes, md, deadlineIn(5000), (err) =>
        resolve(err ? toRpcError(err) : "ok"),
      );
      return;
    }
    const s = client.makeServerStreamRequest(path, id, id, bytes, md, deadlineIn(5000));
    s.on("data", () => {
      s.cancel();
      resolve("ok");
    });
    s.on("error", (e) => resolve(toRpcError(e)));
  });
}

test("garbage sent to a follower is answered InvalidArgument by the follower, never relayed; serving goes on", async () => {
  const client = rawClientAt(follower.addr, workerIdentity("w1"));
  clients.push(client);
  const md = identityMetadata(workerIdentity("w1"));
  const calls: [string, boolean][] = [
    ["/docker.swarmkit.v1.Dispatcher/Heartbeat", false],
    ["/docker.swarmkit.v1.Dispatcher/UpdateTaskStatus", false],
    ["/docker.swarmkit.v1.NodeCA/NodeCertificateStatus", false],
    ["/docker.swarmkit.v1.Dispatcher/Session", true],
    ["/docker.swarmkit.v1.Dispatcher/Assignments", true],
  ];
  for (const [path, stream] of calls) {
    for (const [what, bytes] of Object.entries(bad)) {
      const r = await raw(client, path, bytes, md, stream);
      assert.ok(r !== "ok", `${path} accepted ${what}`);
      assert.is(r.code, Code.InvalidArgument, `${path} with ${what}: ${r.grpcText}`);
      assert.match(r.message, /^malformed \w+ request: /);
    }
  }
  assert.equal(leader.fake.seen, [], "nothing reached the leader");
  const good = dispatcherAt(follower.addr);
  clients.push(good);
  const r = await unary((cb) => good.Heartbeat({ session_id: "s" }, md, deadlineIn(5000), cb));
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
});

test("garbage forwarded metadata sent straight to the leader: PermissionDenied, and serving goes on", async () => {
  const client = dispatcherAt(leader.addr);
  clients.push(client);
  const md = identityMetadata({ nodeId: "m2", role: "swarm-manager", clusterId: "clusterproxytest" });
  md.set("forwarded_cert", "true");
  md.set("forwarded_cert_cn", "w1");
  md.set("forwarded_cert_ou", "swarm-admin");
  md.set("forwarded_cert_org", "clusterproxytest");
  const r = await unary((cb) => client.Heartbeat({ session_id: "s" }, md, deadlineIn(5000), cb));
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(
      r.err.grpcText,
      "rpc error: code = PermissionDenied desc = Permission denied: unauthorized forwarded role, expecting: [swarm-worker swarm-manager]",
    );
  }
  md.set("forwarded_cert_ou", "swarm-worker");
  md.set("forwarded_cert_org", "othercluster");
  const r2 = await unary((cb) => client.Heartbeat({ session_id: "s" }, md, deadlineIn(5000), cb));
  assert.not.ok(r2.ok);
  if (!r2.ok) {
    assert.is(
      r2.err.grpcText,
      "rpc error: code = PermissionDenied desc = Permission denied: organization mismatch, expecting: clusterproxytest",
    );
  }
  const ok = await unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w1")), deadlineIn(5000), cb),
  );
  assert.ok(ok.ok);
});

test.run();

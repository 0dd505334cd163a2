import type { ClientReadableStream } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SessionMessage__Output } from "../../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import { type RpcError, toRpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import {
  dispatcherAt,
  identityMetadata,
  type ProxiedManager,
  startManager,
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

function collect(stream: ClientReadableStream<SessionMessage__Output>) {
  const messages: SessionMessage__Output[] = [];
  const state: { error?: RpcError; ended: boolean } = { ended: false };
  stream.on("data", (m: SessionMessage__Output) => messages.push(m));
  stream.on("error", (e) => {
    state.error = toRpcError(e);
  });
  stream.on("end", () => {
    state.ended = true;
  });
  return { messages, state };
}

test("a Session opened on a follower streams the leader's messages, in order, for the worker", async () => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const stream = client.Session({ session_id: "" }, identityMetadata(workerIdentity("worker7")));
  const c = collect(stream);
  await waitFor(() => c.messages.length === 3, { timeoutMs: 5000, what: "three session messages" });
  assert.equal(
    c.messages.map((m) => m.session_id),
    ["leader-0", "leader-1", "leader-2"],
  );
  assert.ok(c.messages.every((m) => m.node?.id === "worker7"));
  assert.is(leader.fake.seen.find((s) => s.method === "Session")?.nodeId, "worker7");
  assert.equal(follower.fake.seen, []);
  stream.cancel();
  await waitFor(() => leader.fake.cancelled.includes("worker7"), {
    timeoutMs: 5000,
    what: "the leader's stream to be cancelled when the worker goes away",
  });
});

test("a stream the leader ends with an error ends with the same error at the worker", async () => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const c = collect(client.Session({ session_id: "fail" }, identityMetadata(workerIdentity("worker8"))));
  await waitFor(() => c.state.error, { timeoutMs: 5000, what: "the stream's error" });
  assert.is(c.messages.length, 3, "the messages before the error arrive");
  assert.is(c.state.error?.grpcText, "rpc error: code = Aborted desc = dispatcher is stopped");
});

test("a stream the leader ends cleanly ends cleanly at the worker", async () => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const stream = client.Assignments({ session_id: "s" }, identityMetadata(workerIdentity("worker9")));
  const messages: unknown[] = [];
  let ended = false;
  let error: unknown;
  stream.on("data", (m) => messages.push(m));
  stream.on("end", () => {
    ended = true;
  });
  stream.on("error", (e) => {
    error = e;
  });
  await waitFor(() => ended || error, { timeoutMs: 5000, what: "the assignments stream to end" });
  assert.is(error, undefined);
  assert.is(messages.length, 1);
  assert.is(leader.fake.seen.find((s) => s.method === "Assignments")?.nodeId, "worker9");
});

test.run();

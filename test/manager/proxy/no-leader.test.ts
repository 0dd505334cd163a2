import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code, toRpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import { settledWithin } from "../support/settled-within.ts";
import {
  deadlineIn,
  dispatcherAt,
  identityMetadata,
  type ProxiedManager,
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
});
test.after(async () => {
  for (const c of clients) c.close();
  await follower.close();
  await leader.close();
});

const LOST_QUORUM =
  "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

test("no leader for longer than the lost-quorum timeout: Unknown with Swarm's message, without waiting for the deadline", async () => {
  follower.leader.addr = undefined;
  follower.leader.noLeaderTicks = 11;
  follower.leader.quorumLost = true;
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  // The deadline is far beyond the test's bound: only an immediate answer passes.
  const call = unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w1")), deadlineIn(60_000), cb),
  );
  const r = await settledWithin(call, 5000, "the lost-quorum answer");
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.err.grpcText, LOST_QUORUM);

  const stream = client.Session({ session_id: "" }, identityMetadata(workerIdentity("w1")));
  let err: string | undefined;
  stream.on("data", () => {});
  stream.on("error", (e) => {
    err = toRpcError(e).grpcText;
  });
  await waitFor(() => err, { timeoutMs: 5000, what: "the session to fail" });
  assert.is(err, LOST_QUORUM);
});

test("no leader yet (election under way): the call waits and fails DeadlineExceeded at the caller's deadline", async () => {
  follower.leader.addr = undefined;
  follower.leader.noLeaderTicks = 3;
  follower.leader.quorumLost = false;
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const r = await unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w1")), deadlineIn(300), cb),
  );
  assert.not.ok(r.ok);
  // The caller's own deadline and the follower's fire together: either way the code is DeadlineExceeded.
  if (!r.ok) assert.is(r.err.code, Code.DeadlineExceeded);
  assert.equal(leader.fake.seen, []);
});

test("a call without a deadline waits at most the request timeout, then DeadlineExceeded", async () => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const r = await unary((cb) => client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w1")), cb));
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.err.grpcText, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
});

test("a leader elected while the call waits: the call is relayed to it", async () => {
  follower.leader.addr = undefined;
  follower.leader.quorumLost = false;
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const call = unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w5")), deadlineIn(5000), cb),
  );
  follower.leader.addr = leader.addr;
  const r = await call;
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
  assert.is(leader.fake.seen.find((s) => s.method === "Heartbeat")?.nodeId, "w5");
});

test("the follower becoming the leader while the call waits: served locally", async () => {
  follower.leader.addr = undefined;
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const call = unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w6")), deadlineIn(5000), cb),
  );
  follower.leader.leader = true;
  const r = await call;
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
  assert.is(follower.fake.seen.find((s) => s.method === "Heartbeat")?.nodeId, "w6");
});

test.run();

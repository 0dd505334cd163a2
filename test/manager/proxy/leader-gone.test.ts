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

let follower: ProxiedManager;
const managers: ProxiedManager[] = [];
const clients: { close(): void }[] = [];

async function newLeader(name: string): Promise<ProxiedManager> {
  const m = await startManager(name);
  m.leader.leader = true;
  managers.push(m);
  return m;
}

test.before(async () => {
  follower = await startManager("follower");
});
test.after(async () => {
  for (const c of clients) c.close();
  await follower.close();
  await Promise.all(managers.map((m) => m.close()));
});

const heartbeat = (name: string, deadlineMs = 5000) => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  return unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity(name)), deadlineIn(deadlineMs), cb),
  );
};

test("the leader dies: the unary call polls for the new leader and is retried there once", async () => {
  const old = await newLeader("old");
  follower.leader.addr = old.addr;
  assert.ok((await heartbeat("w0")).ok, "relayed to the old leader while it lives");
  await old.close();
  follower.leader.addrReads = 0;
  const call = heartbeat("w1");
  await waitFor(() => follower.leader.addrReads >= 3, { timeoutMs: 5000, what: "the follower to poll for a leader" });
  const next = await newLeader("new");
  follower.leader.addr = next.addr;
  const r = await call;
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
  assert.is(next.fake.seen.find((s) => s.method === "Heartbeat")?.nodeId, "w1");
});

test("the leader dies and none replaces it before the deadline: DeadlineExceeded", async () => {
  const old = await newLeader("old2");
  follower.leader.addr = old.addr;
  await old.close();
  const r = await heartbeat("w2", 400);
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.err.code, Code.DeadlineExceeded);
});

test("the leader dies and quorum is lost while polling: Unknown with the lost-quorum message", async () => {
  const old = await newLeader("old3");
  follower.leader.addr = old.addr;
  await old.close();
  follower.leader.addrReads = 0;
  const call = heartbeat("w3", 10_000);
  await waitFor(() => follower.leader.addrReads >= 2, { timeoutMs: 5000, what: "the follower to poll for a leader" });
  follower.leader.addr = undefined;
  follower.leader.quorumLost = true;
  const r = await settledWithin(call, 5000, "the answer");
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(
      r.err.grpcText,
      "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.",
    );
  }
  follower.leader.quorumLost = false;
});

test("the leader dies under an open session: the worker's stream fails Unavailable (it reconnects)", async () => {
  const old = await newLeader("old4");
  follower.leader.addr = old.addr;
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const stream = client.Session({ session_id: "" }, identityMetadata(workerIdentity("w4")));
  let got = 0;
  let err: ReturnType<typeof toRpcError> | undefined;
  stream.on("data", () => got++);
  stream.on("error", (e) => {
    err = toRpcError(e);
  });
  await waitFor(() => got === 3, { timeoutMs: 5000, what: "the session messages" });
  old.server.server.forceShutdown();
  await waitFor(() => err, { timeoutMs: 5000, what: "the stream to fail" });
  assert.is(err?.grpcText, "rpc error: code = Unavailable desc = transport is closing");
});

test.run();

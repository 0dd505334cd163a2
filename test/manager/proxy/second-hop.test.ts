import { test } from "uvu";
import * as assert from "uvu/assert";
import { toRpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import {
  deadlineIn,
  dispatcherAt,
  identityMetadata,
  type ProxiedManager,
  startManager,
  unary,
  workerIdentity,
} from "./support/proxied-manager.ts";

// a → b → c: a thinks b leads, b (stale) thinks c leads. The call must stop at b.
let a: ProxiedManager;
let b: ProxiedManager;
let c: ProxiedManager;
const clients: { close(): void }[] = [];

test.before(async () => {
  [a, b, c] = await Promise.all([startManager("a"), startManager("b"), startManager("c")]);
  c.leader.leader = true;
  a.leader.addr = b.addr;
  b.leader.addr = c.addr;
});
test.after(async () => {
  for (const x of clients) x.close();
  await Promise.all([a.close(), b.close(), c.close()]);
});

const REDIRECT =
  /^rpc error: code = ResourceExhausted desc = more than one redirect to leader from: \[127\.0\.0\.1:\d+\]$/;

test("a unary call relayed to a manager that is not the leader fails ResourceExhausted, one hop only", async () => {
  const client = dispatcherAt(a.addr);
  clients.push(client);
  const r = await unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w1")), deadlineIn(5000), cb),
  );
  assert.not.ok(r.ok);
  if (!r.ok) assert.match(r.err.grpcText, REDIRECT);
  assert.equal(c.fake.seen, [], "the call never reached the leader");
  assert.equal(b.fake.seen, []);
});

test("a stream relayed to a manager that is not the leader fails ResourceExhausted", async () => {
  const client = dispatcherAt(a.addr);
  clients.push(client);
  const stream = client.Session({ session_id: "" }, identityMetadata(workerIdentity("w2")));
  let err: string | undefined;
  stream.on("data", () => {});
  stream.on("error", (e) => {
    err = toRpcError(e).grpcText;
  });
  await waitFor(() => err, { timeoutMs: 5000, what: "the stream to fail" });
  assert.match(err ?? "", REDIRECT);
  assert.equal(c.fake.seen, []);
});

test("once b learns it is the leader, the same call is served there", async () => {
  b.leader.leader = true;
  const client = dispatcherAt(a.addr);
  clients.push(client);
  const r = await unary((cb) =>
    client.Heartbeat({ session_id: "s" }, identityMetadata(workerIdentity("w1")), deadlineIn(5000), cb),
  );
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
  assert.is(b.fake.seen[0]?.nodeId, "w1");
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { waitFor } from "../support/wait-for.ts";
import { heldLogDispatcher, shortGraceProfile } from "./support/held-log-dispatcher.ts";

/**
 * A node that restarts registers again while the leader's grace period for it
 * runs out: the registration's READY write is in the log's hands when the
 * expiry decides DOWN. Docker shows the node Ready once it has registered.
 */
type Bench = ReturnType<typeof heldLogDispatcher>;

/**
 * The node's new Session registers while the leader holds its READY write in
 * Raft; the grace period runs out meanwhile and the DOWN write is submitted
 * behind it; then the log moves on. Returns the status the store ends with.
 */
async function registerAcrossExpiry(b: Bench, id: string) {
  b.store.hold();
  const again = b.openSession(id);
  await waitFor(() => b.store.waiting === 1, { timeoutMs: 2_000, what: "the READY write to be proposed" });
  const before = b.store.submitted;
  await waitFor(() => b.dispatcher.liveness.of(id).getSnapshot().matches("down"), {
    timeoutMs: 5_000,
    what: "the grace period to run out",
  });
  await waitFor(() => b.store.submitted > before, { timeoutMs: 2_000, what: "the DOWN write to be submitted" });
  b.store.release();
  const msg = await again.first;
  // Every write submitted so far has landed once this one (serialized behind them) resolves.
  await b.store.update(() => {});
  return { msg, node: b.store.view((tx) => tx.node(id)) };
}

test("a node that registers again while its heartbeat grace runs out is READY, not DOWN", async () => {
  const b = heldLogDispatcher();
  try {
    b.dispatcher.start();
    await b.store.update((tx) => tx.putNode(newNodeObject("w1", "WORKER", "ACTIVE")));
    const old = await b.openSession("w1").first;
    assert.is(b.store.view((tx) => tx.node("w1"))?.status?.state, "READY");
    // The node restarts: no more heartbeats on the old session, and a new Session without one.
    const { msg, node } = await registerAcrossExpiry(b, "w1");
    assert.is.not(msg.session_id, old.session_id);
    assert.equal(node?.status, { state: "READY", message: "", addr: "127.0.0.1" });
    assert.ok(b.dispatcher.liveness.of("w1").getSnapshot().matches("ready"));
  } finally {
    b.dispatcher.stop();
  }
});

test("a node UNKNOWN after a leadership change that registers as its grace runs out is READY, not DOWN", async () => {
  const b = heldLogDispatcher();
  try {
    await b.store.update((tx) =>
      tx.putNode({
        ...newNodeObject("m1", "MANAGER", "ACTIVE"),
        status: { state: "READY", message: "", addr: "127.0.0.1" },
      }),
    );
    // This manager becomes leader: m1 (the killed old leader) is UNKNOWN until it registers.
    b.dispatcher.start();
    await waitFor(() => b.store.view((tx) => tx.node("m1"))?.status?.state === "UNKNOWN", {
      timeoutMs: 2_000,
      what: "m1 UNKNOWN",
    });
    const { node } = await registerAcrossExpiry(b, "m1");
    assert.equal(node?.status, { state: "READY", message: "", addr: "127.0.0.1" });
  } finally {
    b.dispatcher.stop();
  }
});

test("a session refreshed as its grace runs out ends 'node not registered' and the node is DOWN, not READY", async () => {
  // A long batch interval: the refresh's READY mark waits in the batch while the grace (~150 ms) runs out.
  const b = heldLogDispatcher({ ...shortGraceProfile, batchIntervalMs: 1_000 });
  try {
    b.dispatcher.start();
    await b.store.update((tx) => tx.putNode(newNodeObject("w1", "WORKER", "ACTIVE")));
    const first = await b.openSession("w1").first;
    // The agent opens its Session again with the session it holds, then is heard from no more.
    const refresh = b.openSession("w1", first.session_id);
    const end = await refresh.ended;
    assert.is(end.grpcText, "rpc error: code = NotFound desc = node not registered");
    await b.store.update(() => {});
    const node = b.store.view((tx) => tx.node("w1"));
    assert.equal(node?.status?.state, "DOWN");
    assert.equal(node?.status?.message, "heartbeat failure");
  } finally {
    b.dispatcher.stop();
  }
});

test.run();

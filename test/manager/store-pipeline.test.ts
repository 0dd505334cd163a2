import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { ABORTED_MESSAGE, type ReplicatedStore } from "../../src/manager/store.ts";
import { ErrLostLeadership } from "../../src/raft/node/errors.ts";
import { toRpcError } from "../../src/rpc/status.ts";
import { raftLike } from "./support/raft-like-log.ts";

const worker = (id: string) => newNodeObject(id, "WORKER", "ACTIVE");

const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, err: toRpcError(e).message }),
  );
const flush = () => new Promise<void>((r) => setImmediate(r));
const nodeIds = (s: ReplicatedStore) => s.view((tx) => tx.nodes().map((n) => n.id)).sort();

test("transactions are staged on the proposed ones: several in flight, answered and seen only at commit", async () => {
  const r = raftLike();
  let answered = 0;
  const a = r.leader.update((tx) => tx.putNode(worker("a"))).then(() => answered++);
  const b = r.leader
    .update((tx) => {
      // Reads a's change though it is not committed.
      const seen = tx.node("a") !== undefined;
      tx.putNode(worker("b"));
      return seen;
    })
    .then((v) => {
      answered++;
      return v;
    });
  await flush();
  assert.is(r.logLength(), 2, "both proposed before either committed");
  assert.is(r.leader.inFlightCount, 2);
  assert.equal(nodeIds(r.leader), [], "reads see committed state only");
  assert.equal(r.leaderEvents, []);
  assert.is(answered, 0);
  r.commit(1);
  await flush();
  assert.is(answered, 1);
  assert.equal(r.leaderEvents, ["create:a"]);
  r.commit();
  assert.is(await b, true);
  await a;
  assert.equal(nodeIds(r.follower), ["a", "b"]);
  assert.equal(r.follower.snapshot(), r.leader.snapshot());
  assert.is(r.leader.inFlightCount, 0);
});

test("a proposal refused mid-pipeline: what was staged on it is skipped on every member, its caller told Aborted", async () => {
  const r = raftLike();
  r.refuse(2);
  const a = settle(r.leader.update((tx) => tx.putNode(worker("a"))));
  const b = settle(r.leader.update((tx) => tx.putNode(worker("b"))));
  // c reads b (staged, then refused) and is proposed before b's refusal is known.
  const c = settle(
    r.leader.update((tx) => {
      const b0 = tx.node("b");
      if (b0) tx.putNode({ ...b0, spec: { ...b0.spec!, availability: "DRAIN" } });
      tx.putNode(worker("c"));
    }),
  );
  await flush();
  assert.is(r.logLength(), 2, "a and c are in the log, b is not");
  // A transaction staged after the refusal is known builds on a alone.
  const d = settle(
    r.leader.update((tx) => {
      assert.ok(tx.node("a"), "d sees a");
      assert.not.ok(tx.node("b"), "d does not see the refused b");
      tx.putNode(worker("d"));
    }),
  );
  await flush();
  r.commit();
  assert.is((await a).ok, true);
  assert.equal((await b).ok, false);
  assert.equal(await c, { ok: false, err: ABORTED_MESSAGE });
  assert.is((await d).ok, true);
  assert.equal(nodeIds(r.leader), ["a", "d"], "c's changes (built on b) are nowhere");
  assert.equal(nodeIds(r.follower), ["a", "d"]);
  assert.equal(r.follower.snapshot(), r.leader.snapshot());
  assert.equal(r.leaderEvents, ["create:a", "create:d"], "watchers saw committed changes only");
});

test("leadership lost with proposals in flight: callers rejected, the log decides, a new term stages on what committed", async () => {
  const r = raftLike();
  const a = settle(r.leader.update((tx) => tx.putNode(worker("a"))));
  const b = settle(r.leader.update((tx) => tx.putNode(worker("b"))));
  const c = settle(r.leader.update((tx) => tx.putNode(worker("c"))));
  await flush();
  r.commit(1);
  r.loseLeadership();
  assert.equal(await b, { ok: false, err: ErrLostLeadership });
  assert.equal(await c, { ok: false, err: ErrLostLeadership });
  assert.is((await a).ok, true);
  assert.equal(
    (await settle(r.leader.update((tx) => tx.putNode(worker("x"))))).ok,
    false,
    "no write while not leading",
  );
  // The next leader had b but not c: b commits (applied as any entry), c is truncated.
  r.truncate(2);
  r.commit();
  r.regainLeadership();
  const e = settle(
    r.leader.update((tx) => {
      tx.putNode(worker("e"));
      return tx
        .nodes()
        .map((n) => n.id)
        .sort();
    }),
  );
  await flush();
  r.commit();
  assert.equal(await e, { ok: true, v: ["a", "b", "e"] });
  assert.equal(nodeIds(r.follower), ["a", "b", "e"]);
  assert.equal(r.follower.snapshot(), r.leader.snapshot());
});

test("a read-only transaction on an in-flight one is answered once that commits, Aborted if it never does", async () => {
  const r = raftLike();
  const a = r.leader.update((tx) => tx.putNode(worker("a")));
  let read: boolean | undefined;
  const sawA = r.leader
    .update((tx) => tx.node("a") !== undefined)
    .then((v) => {
      read = v;
      return v;
    });
  await flush();
  assert.is(read, undefined, "not answered on an uncommitted read");
  r.commit();
  await a;
  assert.is(await sawA, true);

  r.refuse(1);
  const b = settle(r.leader.update((tx) => tx.putNode(worker("b"))));
  const sawB = settle(r.leader.update((tx) => tx.node("b") !== undefined));
  assert.is((await b).ok, false);
  assert.equal(await sawB, { ok: false, err: ABORTED_MESSAGE });
});

test("a transaction that refuses on what an in-flight one wrote is answered once that one settled", async () => {
  const r = raftLike();
  const a = r.leader.update((tx) => tx.putNode(worker("a")));
  let refused: string | undefined;
  const dup = settle(
    r.leader.update((tx) => {
      if (tx.node("a")) throw new Error("node a exists");
      tx.putNode(worker("a"));
    }),
  ).then((v) => {
    if (!v.ok) refused = v.err;
    return v;
  });
  await flush();
  assert.is(refused, undefined, "not answered before a committed");
  r.commit();
  await a;
  assert.equal(await dup, { ok: false, err: "node a exists" });
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { ControlLoop } from "../../../src/manager/control-loop/control-loop.ts";
import { Scheduler } from "../../../src/manager/scheduler/scheduler.ts";
import type { ReplicatedStore } from "../../../src/manager/store.ts";
import { ErrLostLeadership } from "../../../src/raft/node/errors.ts";
import { toRpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import { node, service, task } from "../orchestrator/support/objects.ts";
import { raftLike } from "../support/raft-like-log.ts";

const states = (s: ReplicatedStore) =>
  s.view((tx) => tx.tasks().map((t) => `${t.id}:${t.status?.state}:${t.node_id}`)).sort();

async function cluster() {
  const r = raftLike();
  const s = service("s1");
  const setup = r.leader.update((tx) => {
    tx.putNode(node("n1"));
    tx.putNode(node("n2"));
    tx.putService(s);
  });
  await waitFor(() => r.logLength() === 1, { timeoutMs: 2000, what: "the setup proposed" });
  r.commit();
  await setup;
  return { r, s };
}

/** Two entries of created tasks, proposed and not committed (the orchestrator's writes under way). */
async function createEight(r: ReturnType<typeof raftLike>, s: ReturnType<typeof service>) {
  const before = r.logLength();
  const created = [1, 2].map((e) =>
    r.leader.update((tx) => {
      for (let i = 1; i <= 4; i++) {
        const slot = (e - 1) * 4 + i;
        tx.putTask(task(`t${slot}`, s, { slot, state: "PENDING" }));
      }
    }),
  );
  await waitFor(() => r.logLength() >= before + 2, { timeoutMs: 2000, what: "the creates proposed" });
  return created;
}

test("tasks whose creation is not committed yet are placed in the same pass, behind their creation in the log", async () => {
  const { r, s } = await cluster();
  const created = await createEight(r, s);
  const scheduler = new Scheduler({ store: r.leader });
  scheduler.reset();
  const pass = scheduler.pass();
  // The pass decided before any of the creates committed: its entry is already proposed behind them.
  await waitFor(() => r.logLength() === 4, { timeoutMs: 2000, what: "the assignments proposed behind the creates" });
  assert.equal(states(r.leader), [], "nothing applied yet");
  r.commit();
  await Promise.all(created);
  assert.is((await pass).changes, 8);
  const placed = states(r.follower);
  assert.is(placed.length, 8);
  assert.ok(
    placed.every((s) => s.includes(":ASSIGNED:n")),
    placed.join(" "),
  );
  // Spread by the tasks already placed in the pass: 4 on each node.
  assert.is(placed.filter((s) => s.endsWith(":n1")).length, 4);
  assert.equal(r.follower.snapshot(), r.leader.snapshot());
});

test("a pass placed tasks whose creation then never commits: the pass fails and nothing is assigned", async () => {
  const { r, s } = await cluster();
  const created = await createEight(r, s);
  const scheduler = new Scheduler({ store: r.leader });
  scheduler.reset();
  const pass = scheduler.pass().then(
    () => "done",
    (e: unknown) => toRpcError(e).message,
  );
  await waitFor(() => r.logLength() === 4, { timeoutMs: 2000, what: "the assignments proposed" });
  r.loseLeadership();
  const creates = await Promise.allSettled(created);
  assert.ok(creates.every((c) => c.status === "rejected"));
  assert.is(await pass, ErrLostLeadership, "the loop hears the leadership loss, not a success");
  assert.equal(states(r.leader), []);
  assert.equal(states(r.follower), []);
});

test("the scheduler's loop places tasks as their creation is proposed, before it commits", async () => {
  const { r, s } = await cluster();
  const loop = new ControlLoop({
    name: "scheduler",
    store: r.leader,
    component: new Scheduler({ store: r.leader }),
    profile: { controlLoopDebounceMs: 5, controlLoopMaxLatencyMs: 100 },
  });
  loop.start();
  try {
    // Its first pass (on start) found nothing to place: from now on it acts on what it hears.
    await waitFor(() => loop.current?.getSnapshot().matches("idle") && loop.current.getSnapshot().context.runs === 1, {
      timeoutMs: 2000,
      what: "the first pass done",
    });
    const created = await createEight(r, s);
    await waitFor(() => r.logLength() === 4, { timeoutMs: 2000, what: "the assignments proposed, nothing committed" });
    assert.equal(states(r.leader), []);
    r.commit();
    await Promise.all(created);
    await waitFor(() => r.leader.inFlightCount === 0, { timeoutMs: 2000, what: "the assignments applied" });
    const placed = states(r.follower);
    assert.is(placed.filter((t) => t.includes(":ASSIGNED:")).length, 8, placed.join(" "));
  } finally {
    loop.stop();
  }
});

test.run();

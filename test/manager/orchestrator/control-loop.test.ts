import { test } from "uvu";
import * as assert from "uvu/assert";
import { silentLog } from "../../../src/log.ts";
import { ControlLoop, type LoopComponent, type PassResult } from "../../../src/manager/control-loop/control-loop.ts";
import { createMemoryStore } from "../../../src/manager/store.ts";
import { rpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import { node } from "./support/objects.ts";

/** A component that records what it was told and answers passes from a script. */
function fake(answers: Array<() => Promise<PassResult>>) {
  const seen: string[] = [];
  let passes = 0;
  let resets = 0;
  const component: LoopComponent = {
    reset: () => void resets++,
    observe: (e) => {
      seen.push(`${e.kind}:${e.action}`);
      return true;
    },
    pass: () => {
      passes++;
      return (answers.shift() ?? (() => Promise.resolve({ changes: 0 })))();
    },
  };
  return { component, seen, passes: () => passes, resets: () => resets };
}

const profile = { controlLoopDebounceMs: 1, controlLoopMaxLatencyMs: 30 };

test("the changes of one store entry make one pass; the actor shows the batch", async () => {
  const store = createMemoryStore();
  const f = fake([() => Promise.resolve({ changes: 0 }), () => Promise.resolve({ changes: 7 })]);
  const loop = new ControlLoop({ name: "scheduler", store, component: f.component, profile, log: silentLog });
  loop.start();
  try {
    await waitFor(() => loop.current?.getSnapshot().value === "idle" && f.passes() === 1, {
      timeoutMs: 2000,
      what: "the first pass, run on start",
    });
    await store.update((tx) => {
      for (let i = 0; i < 50; i++) tx.putNode(node(`n${i}`));
    });
    const ctx = await waitFor(
      () => {
        const s = loop.current?.getSnapshot();
        return s?.value === "idle" && s.context.runs === 2 && s.context;
      },
      { timeoutMs: 2000, what: "a second pass" },
    );
    assert.is(f.seen.length, 50);
    assert.is(f.passes(), 2);
    assert.is(ctx.lastBatch, 7);
  } finally {
    loop.stop();
  }
});

test("a failed pass shows its error, and a pass over everything follows without any store change", async () => {
  const store = createMemoryStore();
  const f = fake([() => Promise.reject(rpcError("Unavailable", "The raft node lost leadership"))]);
  const loop = new ControlLoop({ name: "allocator", store, component: f.component, profile, log: silentLog });
  loop.start();
  try {
    await waitFor(() => loop.current?.getSnapshot().context.lastError === "The raft node lost leadership", {
      timeoutMs: 2000,
      what: "the failure in the actor's context",
    });
    await waitFor(() => f.passes() === 2 && loop.current?.getSnapshot().context.lastError === "", {
      timeoutMs: 2000,
      what: "the retry pass",
    });
    assert.is(f.resets(), 2, "reset on start and after the failure");
  } finally {
    loop.stop();
  }
});

test("a pass that asks to be woken runs again then, with no store change", async () => {
  const store = createMemoryStore();
  const f = fake([() => Promise.resolve({ changes: 1, wakeAtMs: Date.now() + 20 })]);
  const loop = new ControlLoop({
    name: "orchestrator-replicated",
    store,
    component: f.component,
    profile,
    log: silentLog,
  });
  loop.start();
  try {
    await waitFor(() => f.passes() === 2, { timeoutMs: 2000, what: "the woken pass" });
    assert.equal(f.seen, []);
  } finally {
    loop.stop();
  }
});

test("stopped, the loop neither passes nor reports", async () => {
  const store = createMemoryStore();
  let release: (r: PassResult) => void = () => {};
  const f = fake([() => new Promise<PassResult>((r) => (release = r))]);
  const loop = new ControlLoop({ name: "taskreaper", store, component: f.component, profile, log: silentLog });
  loop.start();
  await waitFor(() => f.passes() === 1, { timeoutMs: 2000, what: "the first pass under way" });
  const actor = loop.current;
  loop.stop();
  release({ changes: 3 });
  await store.update((tx) => tx.putNode(node("n1")));
  assert.is(f.passes(), 1);
  assert.is(actor?.getSnapshot().status, "stopped");
  assert.is(loop.current, undefined);
});

test.run();

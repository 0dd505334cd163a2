import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ApiTask } from "../../src/bus/daemon-contract.ts";
import { PlainProgress, renderBar, TerminalProgress } from "../../src/cli/format/progress-render.ts";
import { ConvergeWatch, unschedulable } from "../../src/cli/format/service-converge.ts";
import type { ProgressMessage } from "../../src/cli/format/service-progress.ts";
import { service, task } from "./service-fixtures.ts";

const web = service({ name: "web", replicas: 3 });
const ID = web.ID;
const NODES = new Set(["n1", "n2"]);
const opts = { ref: ID, defaultMonitorMs: 5000, stallMs: 3000, cli: "swarmbus" };

const tasks = (...states: string[]): ApiTask[] =>
  states.map((state, i) =>
    task(`t${i + 1}`, {
      slot: i + 1,
      node: state === "new" || state === "pending" ? (undefined as unknown as string) : "n1",
      state,
    }),
  );

/** The plain lines a run of polls prints, as a non-terminal stdout gets them. */
function plain(frames: ProgressMessage[][]): string {
  let out = "";
  const view = new PlainProgress((s) => {
    out += s;
  });
  for (const f of frames) for (const m of f) view.show(m);
  return out;
}

test("a 3-replica service from new to running: per-slot states, overall count, the verify wait, converged", () => {
  const w = new ConvergeWatch(opts);
  const t0 = 1_000_000;
  const frames = [
    w.step(web, tasks("new", "new", "new"), NODES, t0),
    w.step(web, tasks("assigned", "pending", "new"), NODES, t0 + 200),
    w.step(web, tasks("running", "starting", "preparing"), NODES, t0 + 400),
    w.step(web, tasks("running", "running", "running"), NODES, t0 + 600),
    w.step(web, tasks("running", "running", "running"), NODES, t0 + 1800),
    w.step(web, tasks("running", "running", "running"), NODES, t0 + 5600),
  ];
  assert.equal(
    frames.map((f) => f.outcome?.kind),
    [undefined, undefined, undefined, undefined, undefined, "converged"],
  );
  assert.is(
    plain(frames.map((f) => f.messages)),
    [
      "overall progress: 0 out of 3 tasks",
      "1/3: new",
      "2/3: new",
      "3/3: new",
      "1/3: assigned",
      "2/3: pending",
      "1/3: running",
      "2/3: starting",
      "3/3: preparing",
      "overall progress: 1 out of 3 tasks",
      "2/3: running",
      "3/3: running",
      "overall progress: 3 out of 3 tasks",
      "verify: Waiting 5 seconds to verify that tasks are stable...",
      "verify: Waiting 4 seconds to verify that tasks are stable...",
      "verify: Service converged",
      "",
    ].join("\n"),
  );
});

test("the bars docker draws: state padded to 9, position of 9 states, 50 columns", () => {
  const w = new ConvergeWatch(opts);
  const { messages } = w.step(web, tasks("new", "running", "pending"), NODES, 0);
  const bars = messages.filter((m) => m.id.includes("/") && "progress" in m && m.progress.total > 0);
  assert.equal(
    bars.map((m) => ("progress" in m ? `${m.id}: ${m.action} ${renderBar(m.progress, 200)}` : "")),
    [
      `1/3: new       [=====>${" ".repeat(45)}] `,
      `2/3: running   [${"=".repeat(50)}>] `,
      `3/3: pending   [================>${" ".repeat(34)}] `,
    ],
  );
  assert.is(renderBar({ current: 9, total: 9 }, 100), "", "no bar on a terminal of 110 columns or fewer");
});

test("a terminal redraws each line in place with cursor moves", () => {
  let out = "";
  const view = new TerminalProgress((s) => {
    out += s;
  }, 80);
  view.show({ id: "overall progress", action: "0 out of 1 tasks", progress: { current: 0, total: 0 } });
  view.show({ id: "1/1", action: "running  ", progress: { current: 9, total: 9 } });
  view.show({ id: "overall progress", action: "1 out of 1 tasks", progress: { current: 0, total: 0 } });
  assert.is(
    out,
    "\n\x1b[1A\x1b[2K\roverall progress: 0 out of 1 tasks \r\x1b[1B" +
      "\n\x1b[1A\x1b[2K\r1/1: running   \r\x1b[1B" +
      "\x1b[2A\x1b[2K\roverall progress: 1 out of 1 tasks \r\x1b[2B",
  );
});

const ERR = "no suitable node (scheduling constraints not satisfied on 2 nodes)";

test("an unschedulable service: the error on its slot lines, then the wait ends with it after 3 s (the service stays)", () => {
  const w = new ConvergeWatch(opts);
  const pending = [1, 2, 3].map((slot) => task(`p${slot}`, { slot, state: "pending", err: ERR }));
  const t0 = 5_000;
  const first = w.step(web, pending, NODES, t0);
  assert.ok(first.messages.some((m) => m.id === "1/3" && "action" in m && m.action === ERR));
  assert.is(w.step(web, pending, NODES, t0 + 2800).outcome, undefined);
  const last = w.step(web, pending, NODES, t0 + 3000);
  assert.equal(last.outcome, {
    kind: "failed",
    text: `service ${ID} cannot converge: ${ERR} (no task has moved for 3 seconds)\nThe service stays. Use \`swarmbus service ps ${ID}\` to see its tasks.`,
  });
});

test("the stall clock restarts when any task moves, and a running task does not hide an unschedulable one", () => {
  const stuck = task("p", { slot: 3, state: "pending", err: ERR });
  assert.is(unschedulable([task("a", { slot: 1, state: "running", node: "n1" }), stuck]), ERR);
  assert.is(unschedulable([task("a", { slot: 1, state: "starting", node: "n1" }), stuck]), undefined);
  assert.is(unschedulable([task("a", { slot: 1, state: "pending" })]), undefined, "pending without an error is moving");
  const w = new ConvergeWatch(opts);
  w.step(web, [stuck], NODES, 0);
  w.step(web, [task("p", { slot: 3, state: "assigned", node: "n1" })], NODES, 2000);
  assert.is(w.step(web, [stuck], NODES, 4000).outcome, undefined);
  assert.is(w.step(web, [stuck], NODES, 7000).outcome?.kind, "failed");
});

test("Ctrl-C before convergence: docker's two lines with swarmbus's command; nothing once converged", () => {
  const w = new ConvergeWatch(opts);
  w.step(web, tasks("new", "new", "new"), NODES, 0);
  assert.equal(
    w.interrupt().map((m) => ("message" in m ? m.message : "")),
    ["Operation continuing in background.", `Use \`swarmbus service ps ${ID}\` to check progress.`],
  );
  w.step(web, tasks("running", "running", "running"), NODES, 200);
  assert.equal(w.interrupt(), []);
});

test("an update paused by the daemon ends the wait with docker's text; a Monitor in the spec sets the verify wait", () => {
  const w = new ConvergeWatch(opts);
  const paused = {
    ...web,
    UpdateStatus: { State: "paused", Message: "update paused due to failure or early termination of task x" },
  };
  assert.equal(w.step(paused, [], NODES, 0).outcome, {
    kind: "failed",
    text: "service update paused: update paused due to failure or early termination of task x",
  });
  const quick = structuredClone(web);
  quick.Spec.UpdateConfig = { Monitor: 500_000_000 };
  const v = new ConvergeWatch(opts);
  const running = tasks("running", "running", "running");
  assert.ok(
    v.step(quick, running, NODES, 0).messages.some((m) => "action" in m && m.action.startsWith("Waiting 1 seconds")),
  );
  assert.is(v.step(quick, running, NODES, 500).outcome?.kind, "converged");
});

test("global mode: one line per node (ID cut to 12), counted from the tasks", () => {
  const g = service({ name: "agent", global: true });
  const w = new ConvergeWatch({ ...opts, ref: "agent" });
  const nodes = new Set(["nodeAAAAAAAAAAAAAAAAAAAAA", "nodeBBBBBBBBBBBBBBBBBBBBB"]);
  const none = w.step(g, [], nodes, 0);
  assert.is(plain([none.messages]), "overall progress: waiting for new tasks\n");
  const s = w.step(
    g,
    [
      task("a", { node: "nodeAAAAAAAAAAAAAAAAAAAAA", state: "running" }),
      task("b", { node: "nodeBBBBBBBBBBBBBBBBBBBBB", state: "starting" }),
    ],
    nodes,
    200,
  );
  assert.is(
    plain([s.messages]),
    "overall progress: 0 out of 2 tasks\nnodeAAAAAAAA: running\nnodeBBBBBBBB: starting\noverall progress: 1 out of 2 tasks\n",
  );
});

const ESC = String.fromCharCode(27);

/** A terminal's screen after `out`: the moves jsonmessage uses (newline, CR, erase line, cursor up/down). */
function screen(out: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  for (let i = 0; i < out.length; i++) {
    const ch = out[i] as string;
    const esc = new RegExp(`^${ESC}\\[(\\d*)([ABK])`).exec(out.slice(i));
    if (esc) {
      const n = Number(esc[1] || 1);
      if (esc[2] === "A") row = Math.max(0, row - n);
      if (esc[2] === "B") row += n;
      if (esc[2] === "K") lines[row] = "";
      while (lines.length <= row) lines.push("");
      i += esc[0].length - 1;
    } else if (ch === "\n") {
      row++;
      col = 0;
      while (lines.length <= row) lines.push("");
    } else if (ch === "\r") {
      col = 0;
    } else {
      const l = (lines[row] as string).padEnd(col);
      lines[row] = l.slice(0, col) + ch + l.slice(col + 1);
      col++;
    }
  }
  return lines.map((l) => l.trimEnd());
}

test("on a wide terminal the block ends as docker's: the count, a full bar per slot, verify", () => {
  let out = "";
  const view = new TerminalProgress((s) => {
    out += s;
  }, 200);
  const w = new ConvergeWatch(opts);
  for (const [states, at] of [
    [["new", "new", "new"], 0],
    [["running", "starting", "pending"], 200],
    [["running", "running", "running"], 400],
    [["running", "running", "running"], 5400],
  ] as const) {
    for (const m of w.step(web, tasks(...states), NODES, at).messages) view.show(m);
  }
  const bar = `[${"=".repeat(50)}>]`;
  assert.equal(screen(out), [
    "overall progress: 3 out of 3 tasks",
    `1/3: running   ${bar}`,
    `2/3: running   ${bar}`,
    `3/3: running   ${bar}`,
    "verify: Service converged",
    "",
  ]);
});
test.run();

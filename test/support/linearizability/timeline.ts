import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CheckResult, KeyViolation } from "./checker.ts";
import type { History, Op } from "./history.ts";
import { showValue } from "./model.ts";

/**
 * A failed check as a person reads it: per key that failed, the longest order
 * found, the op that could not be placed, and every op of that key as a bar on a
 * shared time axis (one line per op, by call time), so the overlap (or the lack
 * of it) that makes the answer impossible is visible without a tool.
 */

const WIDTH = 60;
/** Ops of the prefix shown before the failure. */
const CONTEXT_OPS = 6;

export function describeOp(op: Op): string {
  switch (op.kind) {
    case "write":
      return `write ${showValue(op.value)}`;
    case "cas":
      return `cas ${showValue(op.expect ?? null)}→${showValue(op.value)}`;
    case "read":
      return op.outcome === "ok" ? `read → ${showValue(op.value)}` : "read";
  }
}

function fmt(t: number): string {
  return t.toFixed(3).padStart(11);
}

function keySection(all: Op[], v: KeyViolation): string[] {
  let ops = all;
  const lines: string[] = [];
  const position = new Map(v.prefix.map((op, i) => [op.id, i + 1]));
  const candidates = new Set(v.candidates.map((op) => op.id));
  lines.push(`key ${JSON.stringify(v.key)}: NOT linearizable (${v.steps} search steps)`);
  lines.push(`  longest linearizable prefix: ${v.prefix.length} ops, value after it ${v.stateAfterPrefix}`);
  lines.push(`    ${v.prefix.map((op) => `#${op.id} ${describeOp(op)}`).join(", ") || "(none)"}`);
  lines.push(
    `  cannot be placed: #${v.unplaced.id} ${v.unplaced.client} ${describeOp(v.unplaced)} ` +
      `[${v.unplaced.call.toFixed(3)}, ${(v.unplaced.ret as number).toFixed(3)}]`,
  );
  // A long history would shrink every bar to a dot: show the stretch around the failure (the
  // last steps of the prefix, the op that cannot be placed and its rivals), all ops that overlap it.
  const focus = [...v.prefix.slice(-CONTEXT_OPS), v.unplaced, ...v.candidates];
  const from = Math.min(...focus.map((o) => o.call));
  const to = Math.max(...focus.map((o) => o.ret ?? o.call));
  const shown = ops.filter((o) => o.call <= to && (o.ret ?? Number.POSITIVE_INFINITY) >= from);
  if (shown.length < ops.length) {
    lines.push(
      `  showing the ${shown.length} of ${ops.length} ops on this key that overlap the failure (all in the history file)`,
    );
  }
  ops = shown;
  const start = Math.min(...ops.map((o) => o.call));
  const end = Math.max(...ops.map((o) => o.ret ?? to));
  const span = Math.max(end - start, 1e-9);
  const col = (t: number): number => Math.min(WIDTH - 1, Math.floor(((t - start) / span) * (WIDTH - 1)));
  lines.push(`  time ${start.toFixed(3)} … ${end.toFixed(3)} ms, one column ≈ ${(span / WIDTH).toFixed(3)} ms`);
  lines.push(
    "  legend: [===] returned  [--->  unknown (pending to the end)  [...] error (not applied)" +
      "  ✓n n-th in the prefix  !! cannot be placed  ?? could have gone next",
  );
  const clientWidth = Math.max(6, ...ops.map((o) => o.client.length));
  lines.push(
    `  ${"op".padEnd(6)} ${"client".padEnd(clientWidth)} |${"".padEnd(WIDTH)}| ${"call".padStart(11)} ${"ret".padStart(11)}  ${"op".padEnd(22)} outcome`,
  );
  for (const op of [...ops].sort((a, b) => a.call - b.call || a.id - b.id)) {
    const bar = new Array<string>(WIDTH).fill(" ");
    const a = col(op.call);
    const b = op.ret === undefined ? WIDTH - 1 : col(op.ret);
    const fill = op.outcome === "ok" ? "=" : op.outcome === "error" ? "." : "-";
    for (let i = a; i <= b; i++) bar[i] = fill;
    bar[a] = "[";
    bar[b] = op.outcome === "unknown" ? ">" : a === b ? "|" : "]";
    const mark =
      op.id === v.unplaced.id
        ? "!! cannot be placed"
        : position.has(op.id)
          ? `✓${position.get(op.id)}`
          : candidates.has(op.id)
            ? "??"
            : "";
    const ret = op.ret === undefined ? "?".padStart(11) : fmt(op.ret);
    lines.push(
      `  ${`#${op.id}`.padEnd(6)} ${op.client.padEnd(clientWidth)} |${bar.join("")}| ${fmt(op.call)} ${ret}  ` +
        `${describeOp(op).padEnd(22)} ${op.outcome.padEnd(8)} ${mark}`.trimEnd(),
    );
  }
  return lines;
}

export function formatTimeline(history: History, result: CheckResult): string {
  const lines = [`linearizability check: ${result.result.toUpperCase()} (${result.steps} search steps in all)`];
  for (const k of result.keys) {
    if (k.result === "ok") lines.push(`key ${JSON.stringify(k.key)}: ok`);
    if (k.result === "unknown") lines.push(`key ${JSON.stringify(k.key)}: unknown (search budget spent)`);
  }
  for (const k of result.keys) {
    if (k.result !== "violation") continue;
    lines.push("");
    lines.push(
      ...keySection(
        history.ops.filter((o) => o.key === k.key),
        k,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Keeps a failed check: the timeline to read and the history as JSON to check
 * again (`parseHistory`). Returns both paths.
 */
export function writeFailure(
  dir: string,
  name: string,
  history: History,
  result: CheckResult,
): { timeline: string; history: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { timeline: join(dir, `${name}.timeline.txt`), history: join(dir, `${name}.history.json`) };
  writeFileSync(paths.timeline, formatTimeline(history, result));
  writeFileSync(paths.history, `${JSON.stringify(history, null, 1)}\n`);
  return paths;
}

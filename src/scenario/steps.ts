import { type DaemonVerb, daemonRequests } from "../bus/daemon-contract.ts";
import type { ActorTransition } from "../bus/events.ts";
import { type CliOutcome, runCli } from "../process/cli-process.ts";
import { isRpcError, type RpcError, toRpcError } from "../rpc/status.ts";
import type { ActorStates } from "./actor-states.ts";
import { formatDuration } from "./duration.ts";
import { abortableDelay, type LocalSwarm } from "./local-swarm.ts";
import { type Pattern, regexPattern, statePattern } from "./pattern.ts";
import type { ApiStep, Expect, Step } from "./types.ts";

/** A step that did not do what the scenario says: what was expected, what was seen instead. */
export class StepFailure extends Error {
  constructor(
    readonly expected: string,
    readonly seen: string,
  ) {
    super(`expected ${expected}; seen ${seen}`);
    this.name = "StepFailure";
  }
}

export interface StepContext {
  readonly swarm: LocalSwarm;
  readonly states: ActorStates;
  /** Aborts when the step times out (reason: a TimeoutError) or the run is interrupted. */
  readonly signal: AbortSignal;
  readonly deadline: number;
  readonly startedAt: number;
  /** Where promote, demote and rm go without `on:`: the node of the last successful init. */
  firstManager?: string;
  /** Extra lines under the step in the timeline (a command's output, the init message). */
  detail(line: string): void;
  /**
   * What a step is waiting for right now, and what it has seen so far: the
   * report uses it when the step times out in the middle of that wait.
   */
  progress?: { expected: string; seen: () => string };
}

const RETRY_MS = 200;
const remaining = (ctx: StepContext) => Math.max(1, ctx.deadline - Date.now());

/** Runs one step; resolves when it holds, throws StepFailure (or the abort reason) when it does not. */
export async function runStep(step: Step, ctx: StepContext): Promise<void> {
  const { swarm } = ctx;
  switch (step.kind) {
    case "start":
      await Promise.all(step.nodes.map((n) => swarm.startNode(n, ctx.signal)));
      return;
    case "stop":
    case "kill":
      await Promise.all(
        step.nodes.map((n) => swarm.stopNode(n, step.kind === "kill" ? "kill" : "term", remaining(ctx))),
      );
      return;
    case "restart":
      await Promise.all(
        step.nodes.map(async (n) => {
          await swarm.stopNode(n, "term", remaining(ctx));
          await swarm.startNode(n, ctx.signal);
        }),
      );
      return;
    case "pause":
    case "resume":
      for (const n of step.nodes) swarm.freeze(n, step.kind === "pause");
      return;
    case "cut":
      for (const n of step.nodes) swarm.cut(n);
      return;
    case "heal":
      for (const n of step.nodes) swarm.heal(n);
      return;
    case "wait":
      await waitStep(step, ctx);
      return;
    case "run":
      await runCommandStep(step, ctx);
      return;
    default:
      await apiStep(step, ctx);
  }
}

// ---- placeholders ---------------------------------------------------------------------------

/** `${w1.id}` → w1's node ID, `${w1.addr}` → its gRPC listen address. */
export function fill(text: string, ctx: StepContext): string {
  return text.replace(/\$\{([A-Za-z0-9_-]+)\.(id|addr)\}/g, (_, node: string, what: string) => {
    if (what === "addr") {
      const addr = ctx.swarm.addr(node);
      if (!addr)
        throw new StepFailure(`the address of ${node}`, `${node} has not initialized or joined as a manager yet`);
      return addr;
    }
    const id = ctx.swarm.knownNodeId(node);
    if (!id) throw new StepFailure(`the node ID of ${node}`, `${node} has not initialized or joined a swarm yet`);
    return id;
  });
}

function fillDeep(v: unknown, ctx: StepContext): unknown {
  if (typeof v === "string") return fill(v, ctx);
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, ctx));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x, ctx)]));
  return v;
}

// ---- wait -----------------------------------------------------------------------------------

async function waitStep(step: Extract<Step, { kind: "wait" }>, ctx: StepContext): Promise<void> {
  const actor = fill(step.actor, ctx);
  const pattern = statePattern(fill(step.state, ctx));
  const who = `${step.node ? step.node.join(" or ") : "any node"} ${actor}`;
  ctx.progress = {
    expected: `${who} in state ${pattern.source} within ${formatDuration(step.timeoutMs)}`,
    seen: () => seenActor(ctx, step.node, actor),
  };
  await ctx.states.waitFor(step.node, actor, pattern, ctx.signal);
}

function seenActor(ctx: StepContext, node: readonly string[] | undefined, actor: string): string {
  const { live, gone } = ctx.states.seen(node, actor);
  const at = (t: ActorTransition) =>
    `since +${((Date.parse(t.time) - ctx.startedAt) / 1000).toFixed(3)}s, after ${t.event}`;
  if (live.length > 0) return live.map((t) => `${t.node} ${t.actor} is "${t.state}" (${at(t)})`).join("; ");
  if (gone.length > 0) {
    return gone.map((t) => `${t.node} ${t.actor} was "${t.state}" when its process ended (${at(t)})`).join("; ");
  }
  const known = ctx.states.actorsOf(node);
  return `no actor ${actor} on ${node ? node.join(" or ") : "any node"}${known.length ? ` (actors seen: ${known.join(", ")})` : ""}`;
}

// ---- run ------------------------------------------------------------------------------------

async function runCommandStep(step: Extract<Step, { kind: "run" }>, ctx: StepContext): Promise<void> {
  const args = step.args.map((a) => fill(a, ctx));
  const exit = step.exit ?? (step.stdout === undefined && step.stderr === undefined ? 0 : undefined);
  const stdout = step.stdout === undefined ? undefined : regexPattern(fill(step.stdout, ctx));
  const stderr = step.stderr === undefined ? undefined : regexPattern(fill(step.stderr, ctx));
  const expected = [
    exit === undefined ? "" : `exit code ${exit}`,
    stdout ? `stdout matching ${stdout.source}` : "",
    stderr ? `stderr matching ${stderr.source}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  let last: CliOutcome | undefined;
  let attempts = 0;
  ctx.progress = {
    expected: `${expected}${step.until ? ` (retried until it held, ${formatDuration(step.timeoutMs)})` : ""}`,
    seen: () =>
      last ? `${describeOutcome(last)}${attempts > 1 ? ` (attempt ${attempts})` : ""}` : "no answer before the timeout",
  };
  for (;;) {
    const out = await runCli(ctx.swarm.nats, step.on, args, ctx.signal);
    last = out;
    attempts++;
    const holds =
      (exit === undefined || out.code === exit) &&
      (!stdout || stdout.test(out.stdout)) &&
      (!stderr || stderr.test(out.stderr));
    if (holds) {
      for (const line of clip(`${out.stdout}${out.stderr}`.trimEnd().split("\n"), 15)) {
        if (line) ctx.detail(`│ ${line}`);
      }
      return;
    }
    if (!step.until) throw new StepFailure(expected, describeOutcome(out));
    await abortableDelay(RETRY_MS, ctx.signal);
  }
}

/** At most `max` lines, the rest counted: a report stays readable with a long `info --format json`. */
function clip(lines: string[], max = 40): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… (${lines.length - max} more lines)`];
}

function describeOutcome(o: CliOutcome): string {
  const block = (name: string, s: string) =>
    s === ""
      ? `${name} empty`
      : `${name}:\n${clip(s.trimEnd().split("\n"))
          .map((l) => `      | ${l}`)
          .join("\n")}`;
  return `exit code ${o.code}, ${block("stdout", o.stdout)}\n    ${block("stderr", o.stderr)}`;
}

// ---- daemon API steps -----------------------------------------------------------------------

type Outcome = { ok: true; result: unknown; summary: string } | { ok: false; error: RpcError };

async function apiStep(step: ApiStep, ctx: StepContext): Promise<void> {
  const judge = expectation(step.expect, ctx);
  let last: Outcome | undefined;
  let attempts = 0;
  ctx.progress = {
    expected: `${judge.expected}${step.until ? ` (retried until it held, ${formatDuration(step.timeoutMs)})` : ""}`,
    seen: () =>
      last ? `${seenOutcome(last)}${attempts > 1 ? ` (attempt ${attempts})` : ""}` : "no answer before the timeout",
  };
  for (;;) {
    last = await race(ctx.signal, callFor(step, ctx));
    attempts++;
    if (judge.holds(last)) {
      if (last.ok && last.summary) ctx.detail(last.summary);
      if (!last.ok) ctx.detail(`│ ${last.error.dockerText}`);
      return;
    }
    if (!step.until) throw new StepFailure(judge.expected, seenOutcome(last));
    await abortableDelay(RETRY_MS, ctx.signal);
  }
}

function seenOutcome(o: Outcome): string {
  return o.ok
    ? `success${o.summary ? `: ${o.summary}` : ""} (result ${JSON.stringify(o.result)})`
    : `error: ${o.error.dockerText}`;
}

function expectation(e: Expect | undefined, ctx: StepContext): { expected: string; holds: (o: Outcome) => boolean } {
  if (e?.error !== undefined) {
    const p: Pattern = regexPattern(fill(e.error, ctx));
    return { expected: `an error matching ${p.source}`, holds: (o) => !o.ok && p.test(o.error.dockerText) };
  }
  if (e?.result !== undefined) {
    const p: Pattern = regexPattern(fill(e.result, ctx));
    return {
      expected: `success with a result matching ${p.source}`,
      holds: (o) => o.ok && p.test(JSON.stringify(o.result)),
    };
  }
  return { expected: "success", holds: (o) => o.ok };
}

async function callFor(step: ApiStep, ctx: StepContext): Promise<Outcome> {
  const { swarm } = ctx;
  const t = () => remaining(ctx);
  const target = (on: string | undefined) => {
    const n = on ?? ctx.firstManager;
    if (!n) throw new StepFailure("a manager to send it to", "no init yet and no `on:` in the step");
    return n;
  };
  try {
    switch (step.kind) {
      case "init": {
        const r = await swarm.call(
          step.node,
          "init",
          { listenAddr: swarm.listenAddr(step.node), ...(step.forceNewCluster ? { forceNewCluster: true } : {}) },
          t(),
        );
        swarm.setNodeId(step.node, r.nodeId);
        swarm.setAddr(step.node, r.advertiseAddr);
        ctx.firstManager = step.node;
        return { ok: true, result: r, summary: `Swarm initialized: current node (${r.nodeId}) is now a manager.` };
      }
      case "join":
        return await joinStep(step, ctx);
      case "promote":
      case "demote": {
        const verb = step.kind === "promote" ? "node.promote" : "node.demote";
        const r = await swarm.call(target(step.on), verb, { refs: step.nodes.map((n) => fill(n, ctx)) }, t());
        return { ok: true, result: r, summary: r.nodes.map((n) => roleText(step.kind, n.ref, n.changed)).join(" ") };
      }
      case "rm": {
        const r = await swarm.call(target(step.on), "node.rm", { refs: step.nodes, force: step.force }, t());
        return { ok: true, result: r, summary: r.removed.join(" ") };
      }
      case "leave": {
        const r = await swarm.call(step.node, "leave", { force: step.force }, t());
        swarm.setNodeId(step.node, undefined);
        return { ok: true, result: r, summary: "Node left the swarm." };
      }
      case "call": {
        const verb = step.verb as DaemonVerb;
        const req = daemonRequests[verb].parse(fillDeep(step.args, ctx));
        const r: unknown = await swarm.call(step.on, verb, req as never, t());
        return { ok: true, result: r, summary: "" };
      }
    }
  } catch (e) {
    if (e instanceof StepFailure || ctx.signal.aborted) throw e;
    return { ok: false, error: toRpcError(e) };
  }
}

const JOIN_IN_BACKGROUND = /^Timeout was reached before node joined\./;

/**
 * A join as an operator drives it: the token and address from `via`, the
 * node's own listen address. Without an `expect`, it rides out what a loaded
 * machine throws at a join: Swarm's join timeout (the join goes on in the
 * background: wait until the node is active) and a transient gRPC error that
 * left the node inactive (join again). Each is shown in the timeline.
 */
async function joinStep(step: Extract<ApiStep, { kind: "join" }>, ctx: StepContext): Promise<Outcome> {
  const { swarm } = ctx;
  const t = () => remaining(ctx);
  for (;;) {
    try {
      const tok = await swarm.call(step.via, "join-token", { role: step.role }, t());
      const r = await swarm.call(
        step.node,
        "join",
        { token: tok.token, remoteAddr: tok.advertiseAddr, listenAddr: swarm.listenAddr(step.node) },
        t(),
      );
      const info = await swarm.call(step.node, "info", {}, t()).catch(() => undefined);
      if (info) learn(swarm, step.node, info);
      return { ok: true, result: r, summary: `This node joined a swarm as a ${r.role}.` };
    } catch (e) {
      const err = toRpcError(e);
      if (step.expect || ctx.signal.aborted) throw e;
      const transient = isRpcError(err, "DeadlineExceeded") || isRpcError(err, "Unavailable");
      if (!JOIN_IN_BACKGROUND.test(err.message) && !transient) throw e;
      ctx.detail(`│ ${err.dockerText}`);
      for (;;) {
        const info = await swarm.call(step.node, "info", {}, t());
        if (info.LocalNodeState === "active") {
          learn(swarm, step.node, info);
          const role = info.ControlAvailable ? "manager" : "worker";
          return { ok: true, result: { role }, summary: `This node joined a swarm as a ${role} (in the background).` };
        }
        if (info.LocalNodeState === "inactive") break;
        await abortableDelay(RETRY_MS, ctx.signal);
      }
      if (!transient) throw e;
      ctx.detail("the node is still inactive: joining again");
      await abortableDelay(RETRY_MS, ctx.signal);
    }
  }
}

/** A joined node's ID and, for a manager, the address it bound (its own entry in the managers it knows). */
function learn(
  swarm: StepContext["swarm"],
  node: string,
  info: { NodeID: string; RemoteManagers: { NodeID: string; Addr: string }[] | null },
): void {
  if (!info.NodeID) return;
  swarm.setNodeId(node, info.NodeID);
  const own = info.RemoteManagers?.find((m) => m.NodeID === info.NodeID);
  if (own) swarm.setAddr(node, own.Addr);
}

/** What docker prints after `node promote` / `node demote`. */
function roleText(kind: "promote" | "demote", ref: string, changed: boolean): string {
  if (kind === "promote")
    return changed ? `Node ${ref} promoted to a manager in the swarm.` : `Node ${ref} is already a manager.`;
  return changed ? `Manager ${ref} demoted in the swarm.` : `Node ${ref} is already a worker.`;
}

function race<T>(signal: AbortSignal, p: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

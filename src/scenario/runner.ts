import type { ActorTransition } from "../bus/events.ts";
import { ActorStates } from "./actor-states.ts";
import { describeStep, elapsed, formatTransitionLine } from "./describe.ts";
import { formatDuration } from "./duration.ts";
import { LocalSwarm } from "./local-swarm.ts";
import { runStep, type StepContext, StepFailure } from "./steps.ts";
import type { Scenario, Step } from "./types.ts";

export interface RunOptions {
  /** Where the timeline goes, line by line (stdout for the CLI). */
  write: (line: string) => void;
  /** Keep the state dir (daemon logs, state dirs) and print its path. */
  keep?: boolean;
  /** Also print the session's heartbeat cycle (hidden by default: two lines per node every period). */
  verbose?: boolean;
  /** A Stately inspector relay (ws:// URL) every daemon streams its actors to (`--inspect`). */
  inspect?: string;
  /** Aborting it (Ctrl-C) stops the current step; everything is cleaned up all the same. */
  signal?: AbortSignal;
}

export interface RunResult {
  ok: boolean;
  interrupted: boolean;
  /** The failed step, when there is one. */
  failed?: { step: Step; text: string; expected: string; seen: string };
  dir: string;
}

/**
 * Runs a scenario against a swarm it starts itself, printing the timeline;
 * every process it started is gone when the promise settles, whatever happened.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const { write } = opts;
  const startedAt = Date.now();
  const nodeWidth = Math.max(...scenario.nodes.map((n) => n.length));
  const states = new ActorStates();
  let swarm: LocalSwarm | undefined;

  const actorLabel = (actor: string): string => {
    // The liveness actors are named by node ID; shown as the placeholder a `wait` step would use.
    const m = /^liveness-(.+)$/.exec(actor);
    const name = m && swarm ? scenario.nodes.find((n) => swarm?.knownNodeId(n) === m[1]) : undefined;
    return name ? `liveness-\${${name}.id}` : actor;
  };
  const onTransition = (t: ActorTransition) => {
    if (states.add(t) && (opts.verbose || !isHeartbeatCycle(t)))
      write(formatTransitionLine(t, startedAt, nodeWidth, actorLabel(t.actor)));
  };
  const onNodeExit = (node: string, code: number | string, expected: boolean) => {
    states.nodeExited(node);
    const how = expected ? `exited (${code})` : `EXITED UNEXPECTEDLY (${code}); see ${swarm?.logFile(node)}`;
    write(`${elapsed(startedAt).padStart(9)}  ${node.padEnd(nodeWidth)}  process ${how}`);
  };

  write(
    `scenario: ${scenario.name}${scenario.description ? `\n  ${scenario.description.trim().replace(/\n/g, "\n  ")}` : ""}`,
  );
  try {
    swarm = await LocalSwarm.start({
      nodes: scenario.nodes,
      profile: scenario.profile,
      ...(opts.inspect ? { inspect: opts.inspect } : {}),
      onTransition,
      onNodeExit,
    });
  } catch (e) {
    write(`FAILED to start the local swarm: ${e instanceof Error ? e.message : String(e)}`);
    return { ok: false, interrupted: false, dir: "" };
  }
  write(`nats-server ${swarm.nats.url}, profile ${scenario.profile}, state dir ${swarm.dir}`);

  let result: RunResult = { ok: true, interrupted: false, dir: swarm.dir };
  let firstManager: string | undefined;
  try {
    for (const step of scenario.steps) {
      const text = describeStep(step);
      write(`── step ${step.index}: ${text}`);
      const stepStart = Date.now();
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new StepTimeout()), step.timeoutMs);
      const signal = opts.signal ? AbortSignal.any([timeout.signal, opts.signal]) : timeout.signal;
      const ctx: StepContext = {
        swarm,
        states,
        signal,
        deadline: stepStart + step.timeoutMs,
        startedAt,
        ...(firstManager ? { firstManager } : {}),
        detail: (line) => write(`           ${line}`),
      };
      try {
        await runStep(step, ctx);
        firstManager = ctx.firstManager;
        write(`   ✓ step ${step.index} (${formatDuration(Date.now() - stepStart)})`);
      } catch (e) {
        const interrupted = opts.signal?.aborted === true && !(e instanceof StepFailure);
        const failure = failureOf(e, step, ctx);
        write(
          `   ✗ step ${step.index} ${interrupted ? "interrupted" : "failed"} (${formatDuration(Date.now() - stepStart)})`,
        );
        result = { ok: false, interrupted, failed: { step, text, ...failure }, dir: swarm.dir };
        break;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await swarm.close({ keep: opts.keep === true });
  }

  const took = formatDuration(Date.now() - startedAt);
  if (result.ok) {
    write(`PASSED  ${scenario.name}: ${scenario.steps.length} steps in ${took}`);
  } else if (result.failed) {
    const f = result.failed;
    write(
      `${result.interrupted ? "INTERRUPTED" : "FAILED"}  ${scenario.name}: step ${f.step.index} of ${scenario.steps.length}: ${f.text}`,
    );
    write(`  expected: ${f.expected}`);
    write(`  seen:     ${f.seen}`);
  }
  if (opts.keep) write(`state dir kept: ${swarm.dir} (daemon logs: <node>.log)`);
  else if (!result.ok) write("  (run again with --keep to keep the daemons' state dirs and logs)");
  return result;
}

/** The session going round its heartbeat loop while registered: the steady state, not news. */
function isHeartbeatCycle(t: ActorTransition): boolean {
  const inLoop = (s: string | null) => s?.startsWith("connecting.registered.") === true;
  return t.actor === "session" && inLoop(t.from) && inLoop(t.state);
}

class StepTimeout extends Error {
  constructor() {
    super("the step timed out");
    this.name = "StepTimeout";
  }
}

function failureOf(e: unknown, step: Step, ctx: StepContext): { expected: string; seen: string } {
  if (e instanceof StepFailure) return { expected: e.expected, seen: e.seen };
  const within = `within ${formatDuration(step.timeoutMs)}`;
  if (e instanceof StepTimeout) {
    if (ctx.progress)
      return {
        expected: ctx.progress.expected,
        seen: `${ctx.progress.seen()} (timed out after ${formatDuration(step.timeoutMs)})`,
      };
    return { expected: `the step done ${within}`, seen: `not done after ${formatDuration(step.timeoutMs)}` };
  }
  if (ctx.signal.aborted && !(ctx.signal.reason instanceof StepTimeout)) {
    return { expected: ctx.progress?.expected ?? `the step done ${within}`, seen: "interrupted (Ctrl-C)" };
  }
  return { expected: ctx.progress?.expected ?? "the step done", seen: e instanceof Error ? e.message : String(e) };
}

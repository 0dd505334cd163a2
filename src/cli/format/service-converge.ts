import type { ApiService, ApiTask } from "../../bus/daemon-contract.ts";
import { type ProgressMessage, type ProgressUpdater, progressUpdater } from "./service-progress.ts";

/**
 * docker/cli's ServiceProgress loop without its I/O: each poll's service,
 * tasks and active nodes go in with the time, the messages to show come out,
 * and at the end the outcome. One addition (docker/cli#663, where docker
 * waits forever): when nothing is moving — every task that is not running
 * has been PENDING with the scheduler's `no suitable node (…)` error for
 * `stallMs` — the wait ends with that error. The service stays.
 */
export interface ConvergeOptions {
  /** The service as the user named it (docker prints it in the Ctrl-C hint). */
  ref: string;
  /** The verify wait when the service's UpdateConfig has no Monitor (docker: 5 s). */
  defaultMonitorMs: number;
  /** How long every unfinished task must have been unschedulable before the wait gives up. */
  stallMs: number;
  /** The command name in the Ctrl-C hint (`Use \`<cli> service ps <id>\` …`). */
  cli: string;
}

export type ConvergeOutcome = { kind: "converged" } | { kind: "failed"; text: string };

export interface ConvergeStep {
  messages: ProgressMessage[];
  outcome?: ConvergeOutcome;
}

export const DEFAULT_MONITOR_MS = 5_000;
export const DEFAULT_STALL_MS = 3_000;

const NO_SUITABLE_NODE = "no suitable node";

export class ConvergeWatch {
  private updater: ProgressUpdater | undefined;
  private converged = false;
  private convergedAt: number | undefined;
  private rollback = false;
  private finalMessage: ProgressMessage | undefined;
  private stalledSince: number | undefined;

  constructor(private readonly o: ConvergeOptions) {}

  step(service: ApiService, tasks: readonly ApiTask[], activeNodes: ReadonlySet<string>, now: number): ConvergeStep {
    const out: ProgressMessage[] = [];
    const monitorNs = service.Spec.UpdateConfig?.Monitor ?? 0;
    const monitorMs = monitorNs !== 0 ? monitorNs / 1e6 : this.o.defaultMonitorMs;
    this.updater ??= progressUpdater(service);

    const us = service.UpdateStatus;
    switch (us?.State) {
      case "updating":
        this.rollback = false;
        break;
      case "completed":
        if (!this.converged) return { messages: out, outcome: { kind: "converged" } };
        break;
      case "paused":
        return { messages: out, outcome: { kind: "failed", text: `service update paused: ${us.Message}` } };
      case "rollback_started":
        if (!this.rollback && us.Message !== "") out.push({ id: "rollback", action: us.Message, progress: zero });
        this.rollback = true;
        break;
      case "rollback_paused":
        return { messages: out, outcome: { kind: "failed", text: `service rollback paused: ${us.Message}` } };
      case "rollback_completed":
        if (!this.converged) this.finalMessage = { id: "rollback", message: us.Message };
        this.rollback = true;
        break;
    }

    if (this.converged && this.convergedAt !== undefined && now - this.convergedAt >= monitorMs) {
      // Docker 20.10's text; docker 26 added the service (`Service <ref> converged`).
      out.push({ id: "verify", action: "Service converged", progress: zero });
      if (this.finalMessage) out.push(this.finalMessage);
      return { messages: out, outcome: { kind: "converged" } };
    }

    const r = this.updater.update(service, tasks, activeNodes, this.rollback);
    out.push(...r.messages);
    this.converged = r.converged;
    if (r.converged) {
      this.convergedAt ??= now;
      const wait = monitorMs - (now - this.convergedAt);
      if (wait >= 0) {
        // docker: wait/time.Second + 1, where some nanoseconds have always passed since convergedAt.
        const seconds = Math.floor(Math.max(wait - 1, 0) / 1000) + 1;
        out.push({
          id: "verify",
          action: `Waiting ${seconds} seconds to verify that tasks are stable...`,
          progress: zero,
        });
      }
      this.stalledSince = undefined;
      return { messages: out };
    }
    if (this.convergedAt !== undefined) out.push({ id: "verify", action: "Detected task failure", progress: zero });
    this.convergedAt = undefined;

    const stuck = unschedulable(tasks);
    if (stuck === undefined) {
      this.stalledSince = undefined;
    } else {
      this.stalledSince ??= now;
      if (now - this.stalledSince >= this.o.stallMs) {
        return {
          messages: out,
          outcome: {
            kind: "failed",
            text:
              `service ${this.o.ref} cannot converge: ${stuck} (no task has moved for ${Math.round(this.o.stallMs / 1000)} seconds)\n` +
              `The service stays. Use \`${this.o.cli} service ps ${this.o.ref}\` to see its tasks.`,
          },
        };
      }
    }
    return { messages: out };
  }

  /** Ctrl-C: docker's two lines when the service had not converged, then the command ends (status 0). */
  interrupt(): ProgressMessage[] {
    if (this.converged) return [];
    return [
      { id: "", message: "Operation continuing in background." },
      { id: "", message: `Use \`${this.o.cli} service ps ${this.o.ref}\` to check progress.` },
    ];
  }
}

const zero = { current: 0, total: 0 };

/**
 * The scheduler's error when every task meant to run but not running is
 * PENDING with `no suitable node…`; undefined while anything else is going on.
 */
export function unschedulable(tasks: readonly ApiTask[]): string | undefined {
  const live = tasks.filter((t) => t.DesiredState === "running" && t.Status.State !== "running");
  if (live.length === 0) return undefined;
  let err: string | undefined;
  for (const t of live) {
    if (t.Status.State !== "pending" || !(t.Status.Err ?? "").startsWith(NO_SUITABLE_NODE)) return undefined;
    err ??= t.Status.Err;
  }
  return err;
}

import type { ApiService, ApiTask } from "../../bus/daemon-contract.ts";
import { truncateId } from "./service-ls.ts";

/**
 * docker/cli's service/progress: what `service create` / `scale` / `update`
 * show while a service converges, as the messages its JSON progress stream
 * carries. A message with `progress` is a line kept in place and redrawn (a
 * bar when `total` > 0); one without is a plain line that ends the redrawn
 * block. Rendering is progress-render.ts's.
 */
export type ProgressMessage =
  | { id: string; action: string; progress: { current: number; total: number } }
  | { id: string; message: string };

/** docker's numberedStates: the bar's position of each state (new…running), the rest only order. */
const NUMBERED: Record<string, number> = {
  new: 1,
  allocated: 2,
  pending: 3,
  assigned: 4,
  accepted: 5,
  preparing: 6,
  ready: 7,
  starting: 8,
  running: 9,
  complete: 10,
  shutdown: 11,
  failed: 12,
  rejected: 13,
};
const MAX_PROGRESS = 9;
const MAX_PROGRESS_BARS = 20;
/** The longest of the states a bar shows, and "complete" (docker's longestState: "allocated", "preparing"). */
const LONGEST_STATE = 9;

const numbered = (s: string): number => NUMBERED[s] ?? 0;
const terminal = (s: string): boolean => numbered(s) > NUMBERED.running!;

/** docker's truncError: newlines to spaces, at most 75 characters. */
export function truncError(err: string): string {
  const flat = err.replaceAll("\n", " ");
  const chars = [...flat];
  return chars.length > 75 ? `${chars.slice(0, 74).join("")}…` : flat;
}

const line = (id: string, action: string, current = 0, total = 0): ProgressMessage => ({
  id,
  action,
  progress: { current, total },
});

function overall(running: number, total: number, rollback: boolean): ProgressMessage {
  return line(
    "overall progress",
    rollback ? `rolling back update: ${running} out of ${total} tasks` : `${running} out of ${total} tasks`,
  );
}

/** Docker 20.10's stateToProgress: a rollback's bars run backwards. */
function taskLine(id: string, t: ApiTask, rollback: boolean): ProgressMessage | undefined {
  if (t.Status.Err) return line(id, truncError(t.Status.Err));
  if (terminal(t.DesiredState) || terminal(t.Status.State)) return undefined;
  const n = numbered(t.Status.State);
  return line(id, t.Status.State.padEnd(LONGEST_STATE), rollback ? NUMBERED.running! - n : n, MAX_PROGRESS);
}

/** Of several tasks for one slot (or node), the one meant to run: lowest desired state, then lowest state. */
function better(existing: ApiTask | undefined, t: ApiTask): boolean {
  if (!existing) return true;
  const ed = numbered(existing.DesiredState);
  const td = numbered(t.DesiredState);
  if (ed < td) return false;
  if (ed === td && numbered(existing.Status.State) <= numbered(t.Status.State)) return false;
  return true;
}

const known = (t: ApiTask) => numbered(t.DesiredState) !== 0 && numbered(t.Status.State) !== 0;

export interface ProgressUpdater {
  /** The messages for this poll, and whether every task the service wants is running. */
  update(
    service: ApiService,
    tasks: readonly ApiTask[],
    activeNodes: ReadonlySet<string>,
    rollback: boolean,
  ): {
    messages: ProgressMessage[];
    converged: boolean;
  };
}

/** docker's replicatedProgressUpdater: one line per slot (up to 20), numbered 1..N in slot order. */
export class ReplicatedProgress implements ProgressUpdater {
  private readonly slotMap = new Map<number, number>();
  private initialized = false;
  private done = false;

  update(service: ApiService, tasks: readonly ApiTask[], activeNodes: ReadonlySet<string>, rollback: boolean) {
    const mode = service.Spec.Mode;
    const replicas = mode && "Replicated" in mode ? (mode.Replicated.Replicas ?? 1) : 1;
    const out: ProgressMessage[] = [];
    if (!this.initialized) {
      out.push(overall(0, replicas, rollback));
      if (replicas <= MAX_PROGRESS_BARS) for (let i = 1; i <= replicas; i++) out.push(line(`${i}/${replicas}`, " "));
      this.initialized = true;
    }
    const bySlot = new Map<number, ApiTask>();
    for (const t of tasks) {
      if (!known(t)) continue;
      const slot = t.Slot ?? 0;
      if (!better(bySlot.get(slot), t)) continue;
      if (t.NodeID && !activeNodes.has(t.NodeID)) continue;
      bySlot.set(slot, t);
    }
    const slots = [...bySlot.keys()].sort((a, b) => a - b);
    if (this.done && slots.some((s) => bySlot.get(s)?.Status.State !== "running")) this.done = false;
    let running = 0;
    for (const slot of slots) {
      const t = bySlot.get(slot) as ApiTask;
      let mapped = this.slotMap.get(slot);
      if (mapped === undefined) {
        mapped = this.slotMap.size + 1;
        this.slotMap.set(slot, mapped);
      }
      if (!terminal(t.DesiredState) && t.Status.State === "running") running++;
      if (this.done || replicas > MAX_PROGRESS_BARS || mapped > replicas) continue;
      const m = taskLine(`${mapped}/${replicas}`, t, rollback);
      if (m) out.push(m);
    }
    if (!this.done) {
      out.push(overall(running, replicas, rollback));
      if (running === replicas) this.done = true;
    }
    return { messages: out, converged: running === replicas };
  }
}

/** docker's globalProgressUpdater: one line per node (its ID cut to 12), counted from the tasks seen. */
export class GlobalProgress implements ProgressUpdater {
  private initialized = false;
  private done = false;

  update(_service: ApiService, tasks: readonly ApiTask[], activeNodes: ReadonlySet<string>, rollback: boolean) {
    const byNode = new Map<string, ApiTask>();
    for (const t of tasks) {
      if (!known(t)) continue;
      const node = t.NodeID ?? "";
      if (better(byNode.get(node), t)) byNode.set(node, t);
    }
    const nodeCount = byNode.size;
    const out: ProgressMessage[] = [];
    if (!this.initialized) {
      if (nodeCount === 0) {
        // Either the orchestrator has not made the tasks yet, or no node meets the constraints.
        return { messages: [line("overall progress", "waiting for new tasks")], converged: false };
      }
      out.push(overall(0, nodeCount, rollback));
      this.initialized = true;
    }
    const nodes = [...byNode.keys()].sort();
    if (this.done && nodes.some((n) => byNode.get(n)?.Status.State !== "running")) this.done = false;
    let running = 0;
    for (const node of nodes) {
      const t = byNode.get(node) as ApiTask;
      if (!activeNodes.has(node)) continue;
      if (!terminal(t.DesiredState) && t.Status.State === "running") running++;
      if (this.done || nodeCount > MAX_PROGRESS_BARS) continue;
      const m = taskLine(truncateId(node), t, rollback);
      if (m) out.push(m);
    }
    if (!this.done) {
      out.push(overall(running, nodeCount, rollback));
      if (running === nodeCount) this.done = true;
    }
    return { messages: out, converged: running === nodeCount };
  }
}

export function progressUpdater(service: ApiService): ProgressUpdater {
  return service.Spec.Mode && "Global" in service.Spec.Mode ? new GlobalProgress() : new ReplicatedProgress();
}

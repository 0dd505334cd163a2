import { CONTROL_LOOP_ACTORS } from "../../../machines/control-loop.machine.ts";
import type { MachineName } from "../../../machines/index.ts";

/** The leader-only control loops (src/manager/orchestrator, src/manager/scheduler), all of one machine. */
const CONTROL_LOOPS: ReadonlySet<string> = new Set(CONTROL_LOOP_ACTORS);

/** The machine an actor runs, from its name on the events stream; null for an actor of no known machine. */
export function machineOfActor(actor: string): MachineName | null {
  if (actor.startsWith("liveness-")) return "nodeLiveness";
  // Before the task prefix: "taskreaper" is a control loop, not a task.
  if (CONTROL_LOOPS.has(actor)) return "controlLoop";
  if (actor.startsWith("task-")) return "task";
  switch (actor) {
    case "node":
    case "clusterState":
    case "session":
    case "raft":
      return actor;
    default:
      return null;
  }
}

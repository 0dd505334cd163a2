import type { MachineName } from "../../../machines/index.ts";

/** The machine an actor runs, from its name on the events stream; null for an actor of no known machine. */
export function machineOfActor(actor: string): MachineName | null {
  if (actor.startsWith("liveness-")) return "nodeLiveness";
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

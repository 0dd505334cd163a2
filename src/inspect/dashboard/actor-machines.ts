import { type MachineName, machines } from "../../../machines/index.ts";

/** The machine task actors (`task-<taskId>`) run; looked up by name so the dashboard works before it exists. */
const TASK_MACHINE = "task";

/** The machine an actor runs, from its name on the events stream; null for an actor of no known machine. */
export function machineOfActor(actor: string, known: Readonly<Record<string, unknown>> = machines): MachineName | null {
  if (actor.startsWith("liveness-")) return "nodeLiveness";
<<<<<<< HEAD
  if (actor.startsWith("task-")) return Object.hasOwn(known, TASK_MACHINE) ? (TASK_MACHINE as MachineName) : null;
=======
  if (actor.startsWith("task-")) return "task";
>>>>>>> main
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

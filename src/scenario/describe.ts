import type { ActorTransition } from "../bus/events.ts";
import { formatDuration } from "./duration.ts";
import type { Step } from "./types.ts";

const list = (nodes: string[]) => nodes.join(", ");
const quoteArg = (a: string) => (/^[\w@%+=:,./${}-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

/** A step as one line of the timeline and the report: `promote w1 (on m1)`, `wait m1 raft = leader`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "init":
      return `init ${step.node}${step.forceNewCluster ? " --force-new-cluster" : ""}`;
    case "join":
      return `join ${step.node} as ${step.role} via ${step.via}`;
    case "promote":
    case "demote":
      return `${step.kind} ${list(step.nodes)}${step.on ? ` (on ${step.on})` : ""}`;
    case "rm":
      return `rm ${step.force ? "--force " : ""}${list(step.nodes)}${step.on ? ` (on ${step.on})` : ""}`;
    case "leave":
      return `leave ${step.node}${step.force ? " --force" : ""}`;
    case "call":
      return `call ${step.verb} on ${step.on}${Object.keys(step.args).length ? ` ${JSON.stringify(step.args)}` : ""}`;
    case "wait":
      return `wait ${step.node ? step.node.join("|") : "any node"} ${step.actor} = ${step.state}`;
    case "run":
      return `run swarmbus${step.on ? ` --node ${step.on}` : ""} ${step.args.map(quoteArg).join(" ")}`;
    default:
      return `${step.kind} ${list(step.nodes)}`;
  }
}

/** `+12.345s`: time since the scenario started. */
export function elapsed(sinceMs: number, at = Date.now()): string {
  return `+${((at - sinceMs) / 1000).toFixed(3)}s`;
}

/** One timeline line: `+1.234s  m1  raft  follower → leader  (CORE_STATE)`. */
export function formatTransitionLine(
  t: ActorTransition,
  startedAt: number,
  nodeWidth: number,
  actorName: string,
): string {
  const move = t.from === null ? `→ ${t.state}` : `${t.from} → ${t.state}`;
  const again = t.replayed ? "  [again: sent while the node was cut off]" : "";
  return `${elapsed(startedAt, Date.parse(t.time)).padStart(9)}  ${t.node.padEnd(nodeWidth)}  ${actorName.padEnd(13)} ${move}  (${t.event})${again}`;
}

export function describeTimeout(ms: number): string {
  return `within ${formatDuration(ms)}`;
}

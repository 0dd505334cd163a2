import type { AnyStateMachine } from "xstate";

/**
 * A machine's statechart as plain data, read from xstate's state node tree
 * (`machine.root`): every state with its parent, and every transition that
 * has a target as one edge per target. Targetless transitions (context-only
 * updates) change no state and draw no edge.
 */
export type StateKind = "atomic" | "compound" | "parallel" | "final" | "history";

export interface ChartState {
  /** xstate's state node id: `node.running.manager.ready`; the root is the machine id. */
  id: string;
  /** The path in a state value: `running.manager.ready`; "" for the root. */
  path: string;
  key: string;
  kind: StateKind;
  parent: string | null;
  /** The id of the initial child of a compound state. */
  initial: string | null;
}

export interface ChartTransition {
  id: string;
  source: string;
  target: string;
  /** As a person reads it: `START`, `done: startNode`, `after reconnectDelay`, `always [roleIsManager]`. */
  label: string;
}

export interface MachineGraph {
  id: string;
  states: ChartState[];
  transitions: ChartTransition[];
}

/** The parts of xstate's StateNode this module reads (its own type is generic-heavy and mostly internal). */
interface StateNodeView {
  id: string;
  key: string;
  path: string[];
  type: StateKind;
  parent?: StateNodeView | undefined;
  states: Record<string, StateNodeView>;
  initial?: { target: readonly StateNodeView[] } | undefined;
  transitions: Map<string, readonly TransitionView[]>;
  always?: readonly TransitionView[] | undefined;
  invoke: readonly { id: string; src: unknown }[];
}

interface TransitionView {
  eventType: string;
  target?: readonly StateNodeView[] | undefined;
  guard?: unknown;
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: ChartState[] = [];
  const transitions: ChartTransition[] = [];
  const visit = (node: StateNodeView): void => {
    states.push({
      id: node.id,
      path: node.path.join("."),
      key: node.key,
      kind: node.type,
      parent: node.parent?.id ?? null,
      initial: node.type === "compound" ? (node.initial?.target[0]?.id ?? null) : null,
    });
    const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    for (const t of all) {
      for (const target of t.target ?? []) {
        transitions.push({
          id: `${node.id}#${transitions.length}`,
          source: node.id,
          target: target.id,
          label: transitionLabel(node, t),
        });
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as StateNodeView);
  return { id: machine.id, states, transitions };
}

function transitionLabel(node: StateNodeView, t: TransitionView): string {
  return [eventLabel(node, t.eventType), guardLabel(t.guard)].filter((s) => s !== "").join(" ");
}

/** xstate's internal event types, as the names in the machine's source. */
function eventLabel(node: StateNodeView, eventType: string): string {
  if (eventType === "") return "always";
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (actor) {
    const inv = node.invoke.find((i) => i.id === actor[2]);
    const src = typeof inv?.src === "string" ? inv.src : actor[2];
    return `${actor[1]}: ${src}`;
  }
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${/^\d+$/.test(after[1]!) ? `${after[1]} ms` : after[1]}`;
  return eventType;
}

function guardLabel(guard: unknown): string {
  if (guard === undefined || guard === null) return "";
  if (typeof guard === "string") return `[${guard}]`;
  if (typeof guard === "object" && "type" in guard && typeof guard.type === "string") {
    const params =
      "params" in guard && guard.params !== null && typeof guard.params === "object"
        ? Object.values(guard.params).map(String)
        : [];
    return `[${[guard.type, ...params].join(" ")}]`;
  }
  return "[guard]";
}

import type { AnyStateMachine } from "xstate";
import { type GraphState, machineGraph } from "../machine-graph.ts";

/**
 * A machine's statechart as the dashboard lays it out: the states of
 * src/inspect/machine-graph.ts, and one edge per target of each transition
 * labelled `EVENT [guard]`. Targetless transitions (context-only updates)
 * change no state and draw no edge.
 */
export type StateKind = GraphState["type"];

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
  /** As a person reads it: `START`, `onDone(startNode)`, `after(reconnectDelay)`, `always [roleIsManager]`. */
  label: string;
}

export interface ChartGraph {
  id: string;
  states: ChartState[];
  transitions: ChartTransition[];
}

export function chartGraph(machine: AnyStateMachine): ChartGraph {
  const graph = machineGraph(machine);
  const transitions: ChartTransition[] = [];
  for (const t of graph.transitions) {
    const label = t.guard === undefined ? t.event : `${t.event} [${t.guard}]`;
    for (const target of t.targets) {
      transitions.push({ id: `${t.source}#${transitions.length}`, source: t.source, target, label });
    }
  }
  return {
    id: graph.id,
    states: graph.states.map((s) => ({
      id: s.id,
      path: s.path,
      key: s.key,
      kind: s.type,
      parent: s.parent ?? null,
      initial: s.initial ?? null,
    })),
    transitions,
  };
}

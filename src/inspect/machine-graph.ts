import type { AnyStateMachine } from "xstate";

type AnyStateNode = AnyStateMachine["root"];
type AnyTransition = NonNullable<AnyStateNode["always"]>[number];

/** One state node of a machine, as the diagrams draw it. */
export interface GraphState {
  /** XState's id: `session.connecting.registered` (unique within the machine). */
  readonly id: string;
  readonly key: string;
  /** The path in a state value: `connecting.registered`; "" for the root. */
  readonly path: string;
  readonly type: "atomic" | "compound" | "parallel" | "final" | "history";
  /** The enclosing state's id; undefined for the machine's root. */
  readonly parent: string | undefined;
  /** Child ids in document order. */
  readonly children: readonly string[];
  /** The initial child's id (compound states only). */
  readonly initial: string | undefined;
}

/** One transition: a labelled edge from a state to zero targets (actions only) or more. */
export interface GraphTransition {
  readonly source: string;
  readonly targets: readonly string[];
  /** What a person reads: the event type, `after(delay)`, `onDone(src)`, `onError(src)` or `always`. */
  readonly event: string;
  /** The guard's name (with its params), if any. */
  readonly guard: string | undefined;
  /** The raw event descriptor XState keys the transition by (`xstate.after.…` etc.), or "" for always. */
  readonly eventType: string;
}

export interface MachineGraph {
  readonly id: string;
  readonly states: readonly GraphState[];
  readonly transitions: readonly GraphTransition[];
}

/**
 * Every state and transition of a machine, read from its state node tree (not
 * its JSON: that drops `always` transitions). What the exports and the
 * dashboard's charts both draw.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: GraphState[] = [];
  const transitions: GraphTransition[] = [];
  const visit = (node: AnyStateNode): void => {
    const children = Object.values(node.states) as AnyStateNode[];
    states.push({
      id: node.id,
      key: node.key,
      path: node.path.join("."),
      type: node.type,
      parent: node.parent?.id,
      children: children.map((c) => c.id),
      initial: node.type === "compound" ? node.initial.target[0]?.id : undefined,
    });
    for (const list of node.transitions.values()) for (const t of list) transitions.push(edge(node, t, false));
    for (const t of node.always ?? []) transitions.push(edge(node, t, true));
    for (const c of children) visit(c);
  };
  visit(machine.root);
  return { id: machine.id, states, transitions };
}

function edge(node: AnyStateNode, t: AnyTransition, always: boolean): GraphTransition {
  return {
    source: node.id,
    targets: (t.target ?? []).map((s) => s.id),
    event: always ? "always" : eventLabel(node, t),
    guard: t.guard === undefined ? undefined : guardLabel(t.guard),
    eventType: always ? "" : String(t.eventType),
  };
}

/** XState's internal event types, told as the machine's author wrote them. */
export function eventLabel(node: AnyStateNode, t: AnyTransition): string {
  const type = String(t.eventType);
  if (type.startsWith("xstate.after.")) {
    const delay = "delay" in t ? (t as { delay: unknown }).delay : undefined;
    return `after(${typeof delay === "number" ? `${delay}ms` : typeof delay === "string" ? delay : "delay"})`;
  }
  for (const [prefix, label] of [
    ["xstate.done.actor.", "onDone"],
    ["xstate.error.actor.", "onError"],
  ] as const) {
    if (!type.startsWith(prefix)) continue;
    const id = type.slice(prefix.length);
    const inv = node.invoke.find((i) => i.id === id);
    return `${label}(${inv && typeof inv.src === "string" ? inv.src : id})`;
  }
  if (type.startsWith("xstate.done.state.")) return "onDone";
  return type;
}

/** `name`, `name(k=v)`, `!g`, `a && b`: named guards and XState's not/and/or combinators. */
export function guardLabel(guard: unknown): string {
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") {
    // xstate's not()/and()/or() return functions so named, holding their operands in `guards`.
    const g = guard as { guards?: unknown; name?: string };
    if (Array.isArray(g.guards)) {
      const parts = g.guards.map(guardLabel);
      if (g.name === "not") return `!${parts[0] ?? "?"}`;
      if (g.name === "and") return `(${parts.join(" && ")})`;
      if (g.name === "or") return `(${parts.join(" || ")})`;
    }
    return g.name ? g.name : "inline";
  }
  if (typeof guard === "object" && guard !== null && "type" in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    const args =
      typeof params === "object" && params !== null
        ? Object.entries(params)
            .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
            .join(", ")
        : "";
    return args ? `${String(type)}(${args})` : String(type);
  }
  return "guard";
}

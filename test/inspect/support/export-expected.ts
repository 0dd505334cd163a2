import type { AnyStateMachine } from "xstate";

type AnyStateNode = AnyStateMachine["root"];

/** What a diagram of a machine must show, read straight from XState's state nodes. */
export interface ExpectedState {
  id: string;
  parent: string | undefined;
  compound: boolean;
}
export interface ExpectedEdge {
  source: string;
  /** The source itself for a transition without a target. */
  target: string;
  /** Text the edge's label must contain: the event type, or after(/onDone(/onError(/always for XState's own. */
  label: string;
  guard: string | undefined;
}

export function expected(machine: AnyStateMachine): { states: ExpectedState[]; edges: ExpectedEdge[] } {
  const states: ExpectedState[] = [];
  const edges: ExpectedEdge[] = [];
  const add = (node: AnyStateNode, t: NonNullable<AnyStateNode["always"]>[number], label: string) => {
    const g = t.guard;
    const guard =
      typeof g === "string" ? g : typeof g === "object" && g !== null && "type" in g ? String(g.type) : undefined;
    const targets = t.target && t.target.length > 0 ? t.target.map((s) => s.id) : [node.id];
    for (const target of targets) edges.push({ source: node.id, target, label, guard });
  };
  const visit = (node: AnyStateNode) => {
    states.push({
      id: node.id,
      parent: node.parent?.id,
      compound: node.type === "compound" || node.type === "parallel",
    });
    for (const [type, list] of node.transitions) {
      const label = type.startsWith("xstate.after.")
        ? "after("
        : type.startsWith("xstate.done.actor.")
          ? "onDone("
          : type.startsWith("xstate.error.actor.")
            ? "onError("
            : type;
      for (const t of list) add(node, t, label);
    }
    for (const t of node.always ?? []) add(node, t, "always");
    for (const c of Object.values(node.states) as AnyStateNode[]) visit(c);
  };
  visit(machine.root);
  return { states, edges };
}

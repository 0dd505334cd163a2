import type { GraphState, GraphTransition, MachineGraph } from "../machine-graph.ts";

const q = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const isCluster = (s: GraphState): boolean => s.type === "compound" || s.type === "parallel";
/** A compound state is a cluster; edges to and from it attach to its anchor, clipped at the cluster (lhead/ltail). */
const anchorOf = (id: string): string => `${id}:anchor`;
export const clusterOf = (id: string): string => `cluster_${id}`;

export function edgeLabel(t: GraphTransition): string {
  return t.guard ? `${t.event} [${t.guard}]` : t.event;
}

/**
 * A Graphviz digraph: compound and parallel states as clusters (a parallel
 * state's regions dashed), a dot for each initial state, final states doubled,
 * transitions labelled `EVENT [guard]`; transitions without a target are dashed loops.
 */
export function toDot(g: MachineGraph): string {
  const byId = new Map(g.states.map((s) => [s.id, s]));
  const within = (id: string, ancestor: string): boolean => {
    for (let s = byId.get(id); s; s = s.parent === undefined ? undefined : byId.get(s.parent)) {
      if (s.id === ancestor) return true;
    }
    return false;
  };
  const endpoint = (id: string): string => (isCluster(byId.get(id) as GraphState) ? anchorOf(id) : id);
  const out: string[] = [
    `digraph ${q(g.id)} {`,
    "  compound=true;",
    "  rankdir=LR;",
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const emit = (s: GraphState, depth: number): void => {
    const pad = "  ".repeat(depth);
    if (!isCluster(s)) {
      const extra = s.type === "final" ? ", peripheries=2" : s.type === "history" ? ", shape=circle" : "";
      out.push(`${pad}${q(s.id)} [label=${q(s.key)}${extra}];`);
      return;
    }
    const parent = s.parent === undefined ? undefined : byId.get(s.parent);
    const style = parent?.type === "parallel" ? "dashed" : "rounded";
    out.push(`${pad}subgraph ${q(clusterOf(s.id))} {`);
    out.push(`${pad}  label=${q(s.type === "parallel" ? `${s.key} (parallel)` : s.key)};`);
    out.push(`${pad}  style=${style};`);
    // The anchor is the initial dot of a compound state; a parallel state's is invisible.
    const anchorAttrs =
      s.type === "compound" ? 'shape=point, width=0.12, label=""' : 'shape=point, style=invis, width=0, label=""';
    out.push(`${pad}  ${q(anchorOf(s.id))} [${anchorAttrs}];`);
    for (const c of s.children) emit(byId.get(c) as GraphState, depth + 1);
    if (s.initial) out.push(`${pad}  ${q(anchorOf(s.id))} -> ${q(endpoint(s.initial))};`);
    out.push(`${pad}}`);
  };
  const root = g.states.find((s) => s.parent === undefined);
  if (root) emit(root, 1);
  for (const t of g.transitions) {
    const from = endpoint(t.source);
    const label = q(edgeLabel(t));
    if (t.targets.length === 0) {
      out.push(`  ${q(from)} -> ${q(from)} [label=${label}, style=dashed];`);
      continue;
    }
    for (const target of t.targets) {
      const attrs = [`label=${label}`];
      if (from !== t.source && !within(target, t.source)) attrs.push(`ltail=${q(clusterOf(t.source))}`);
      const to = endpoint(target);
      if (to !== target && !within(t.source, target)) attrs.push(`lhead=${q(clusterOf(target))}`);
      out.push(`  ${q(from)} -> ${q(to)} [${attrs.join(", ")}];`);
    }
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

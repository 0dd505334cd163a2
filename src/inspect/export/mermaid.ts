import type { GraphState, MachineGraph } from "../machine-graph.ts";
import { edgeLabel } from "./dot.ts";

/** Mermaid ids are word characters only: a state's path joined by "__" (`session__connecting__registered`). */
export const mermaidId = (stateId: string): string =>
  stateId
    .split(".")
    .join("__")
    .replace(/[^A-Za-z0-9_]/g, "_");

/** Mermaid ends a label at a newline or ";", and quotes confuse it. */
const text = (s: string): string => s.replace(/[\n;]/g, " ").replace(/"/g, "'");

/**
 * A `stateDiagram-v2`: the machine is the outer composite state, compound
 * states nest, a parallel state's regions are split by `--`, `[*] -->` marks
 * each initial state and `--> [*]` each final one. Transitions are labelled
 * `EVENT [guard]`; one without a target loops on its state.
 */
export function toMermaid(g: MachineGraph): string {
  const byId = new Map(g.states.map((s) => [s.id, s]));
  const out: string[] = ["stateDiagram-v2", `  %% machine: ${g.id}`];
  const emit = (s: GraphState, depth: number): void => {
    const pad = "  ".repeat(depth);
    const id = mermaidId(s.id);
    out.push(`${pad}state "${text(s.key)}" as ${id}`);
    if (s.type !== "compound" && s.type !== "parallel") return;
    out.push(`${pad}state ${id} {`);
    if (s.initial) out.push(`${pad}  [*] --> ${mermaidId(s.initial)}`);
    s.children.forEach((c, i) => {
      if (s.type === "parallel" && i > 0) out.push(`${pad}  --`);
      const child = byId.get(c) as GraphState;
      emit(child, depth + 1);
      if (child.type === "final") out.push(`${pad}  ${mermaidId(c)} --> [*]`);
    });
    out.push(`${pad}}`);
  };
  const root = g.states.find((s) => s.parent === undefined);
  if (root) emit(root, 1);
  for (const t of g.transitions) {
    const from = mermaidId(t.source);
    const label = text(edgeLabel(t));
    for (const target of t.targets.length === 0 ? [t.source] : t.targets) {
      out.push(`  ${from} --> ${mermaidId(target)} : ${label}`);
    }
  }
  return `${out.join("\n")}\n`;
}

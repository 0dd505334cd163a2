import { test } from "uvu";
import * as assert from "uvu/assert";
import { machines } from "../../machines/index.ts";
import { exportMachines } from "../../src/inspect/export/index.ts";
import { mermaidId } from "../../src/inspect/export/mermaid.ts";
import { expected } from "./support/export-expected.ts";

/** The diagram read back: each state's enclosing composite, region splits, initial marks and transitions. */
function parseMermaid(text: string) {
  const parentOf = new Map<string, string | undefined>();
  const initialOf = new Map<string | undefined, string>();
  const regions = new Map<string, number>();
  const edges: { from: string; to: string; label: string }[] = [];
  const stack: string[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    const decl = /^state "[^"]*" as (\w+)$/.exec(line);
    const open = /^state (\w+) \{$/.exec(line);
    const initial = /^\[\*\] --> (\w+)$/.exec(line);
    const edge = /^(\w+) --> (\w+) : (.*)$/.exec(line);
    if (decl?.[1]) parentOf.set(decl[1], stack.at(-1));
    else if (open?.[1]) stack.push(open[1]);
    else if (line === "}") stack.pop();
    else if (line === "--") regions.set(stack.at(-1) ?? "", (regions.get(stack.at(-1) ?? "") ?? 1) + 1);
    else if (initial?.[1]) initialOf.set(stack.at(-1), initial[1]);
    else if (edge?.[1] && edge[2] && edge[3] !== undefined) edges.push({ from: edge[1], to: edge[2], label: edge[3] });
  }
  return { parentOf, initialOf, regions, edges };
}

for (const [name, machine] of Object.entries(machines)) {
  test(`mermaid: ${name} nests every state in its parent and draws every transition`, () => {
    const [out] = exportMachines({ format: "mermaid", machine: name });
    assert.ok(out?.text.startsWith("stateDiagram-v2\n"));
    const m = parseMermaid(out?.text ?? "");
    const want = expected(machine);
    for (const s of want.states) {
      const id = mermaidId(s.id);
      assert.ok(m.parentOf.has(id), `state ${s.id} is declared`);
      assert.is(m.parentOf.get(id), s.parent === undefined ? undefined : mermaidId(s.parent), `${s.id} is nested`);
    }
    for (const e of want.edges) {
      const found = m.edges.find(
        (d) =>
          d.from === mermaidId(e.source) &&
          d.to === mermaidId(e.target) &&
          d.label.includes(e.label) &&
          (e.guard === undefined || d.label.includes(`[${e.guard}`)),
      );
      assert.ok(found, `transition ${e.source} --> ${e.target} : ${e.label}`);
    }
  });
}

test("mermaid: the node machine's parallel state has three regions, each with its initial state", () => {
  const [out] = exportMachines({ format: "mermaid", machine: "node" });
  const m = parseMermaid(out?.text ?? "");
  assert.is(m.regions.get("node__running"), 3);
  assert.is(m.initialOf.get("node__running__agent"), "node__running__agent__connecting");
  assert.is(m.initialOf.get("node__running__manager"), "node__running__manager__off");
  assert.is(m.initialOf.get("node__running__readiness"), "node__running__readiness__waiting");
  assert.is(m.initialOf.get("node"), "node__inactive");
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { machines } from "../../machines/index.ts";
import { exportMachines } from "../../src/inspect/export/index.ts";
import { expected } from "./support/export-expected.ts";

/** The dot text read back: each node's enclosing cluster, each edge (anchors resolved to their state). */
function parseDot(text: string) {
  const parentOf = new Map<string, string | undefined>();
  const edges: { from: string; to: string; label: string }[] = [];
  const stack: string[] = [];
  const state = (name: string) => name.replace(/:anchor$/, "");
  for (const line of text.split("\n").map((l) => l.trim())) {
    const cluster = /^subgraph "cluster_(.+)" \{$/.exec(line);
    const edge = /^"([^"]+)" -> "([^"]+)" \[label="([^"]*)"/.exec(line);
    const node = /^"([^"]+)" \[/.exec(line);
    if (cluster?.[1]) {
      parentOf.set(cluster[1], stack.at(-1));
      stack.push(cluster[1]);
    } else if (line === "}") stack.pop();
    else if (edge?.[1] && edge[2] && edge[3] !== undefined)
      edges.push({ from: state(edge[1]), to: state(edge[2]), label: edge[3] });
    else if (node?.[1] && !node[1].endsWith(":anchor")) parentOf.set(node[1], stack.at(-1));
  }
  return { parentOf, edges };
}

for (const [name, machine] of Object.entries(machines)) {
  test(`dot: ${name} has every state inside its parent's cluster and every transition as a labelled edge`, () => {
    const [out] = exportMachines({ format: "dot", machine: name });
    assert.ok(out?.text.startsWith(`digraph "${machine.id}" {`));
    const dot = parseDot(out?.text ?? "");
    const want = expected(machine);
    for (const s of want.states) {
      assert.ok(dot.parentOf.has(s.id), `state ${s.id} is drawn`);
      assert.is(dot.parentOf.get(s.id), s.parent, `state ${s.id} sits in its parent's cluster`);
    }
    for (const e of want.edges) {
      const found = dot.edges.find(
        (d) =>
          d.from === e.source &&
          d.to === e.target &&
          d.label.includes(e.label) &&
          (e.guard === undefined || d.label.includes(`[${e.guard}`)),
      );
      assert.ok(found, `edge ${e.source} -> ${e.target} labelled ${e.label}${e.guard ? ` [${e.guard}]` : ""}`);
    }
  });
}

test.run();

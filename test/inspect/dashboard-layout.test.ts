import { test } from "uvu";
import * as assert from "uvu/assert";
import { machines } from "../../machines/index.ts";
import { type Box, layoutMachines, type MachineLayout } from "../../src/inspect/dashboard/layout.ts";
import { chartGraph } from "../../src/inspect/dashboard/machine-graph.ts";

let layouts: MachineLayout[];
test.before(async () => {
  layouts = await layoutMachines(machines);
});

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

test("every machine of machines/index.ts is laid out", () => {
  assert.equal(layouts.map((l) => l.name).sort(), Object.keys(machines).sort());
});

test("every state of every machine has a box, inside its parent's box and inside the chart", () => {
  for (const l of layouts) {
    const graph = chartGraph(machines[l.name as keyof typeof machines]);
    const boxes = new Map(l.states.map((s) => [s.id, s]));
    for (const s of graph.states) {
      const box = boxes.get(s.id);
      assert.ok(box, `${l.name}: no box for ${s.id}`);
      assert.ok(box.width > 0 && box.height > 0, `${l.name}: ${s.id} has an empty box`);
      assert.ok(inside(box, { x: 0, y: 0, width: l.width, height: l.height }), `${l.name}: ${s.id} leaves the chart`);
      if (s.parent !== null)
        assert.ok(inside(box, boxes.get(s.parent)!), `${l.name}: ${s.id} is not inside ${s.parent}`);
    }
  }
});

test("sibling states do not overlap", () => {
  const overlap = (a: Box, b: Box) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (const l of layouts) {
    for (const a of l.states) {
      for (const b of l.states) {
        if (a.id < b.id && a.parent !== null && a.parent === b.parent) {
          assert.not.ok(overlap(a, b), `${l.name}: ${a.id} overlaps ${b.id}`);
        }
      }
    }
  }
});

test("every transition with a target has a routed, labelled edge from its source to its target", () => {
  for (const l of layouts) {
    const graph = chartGraph(machines[l.name as keyof typeof machines]);
    const edges = new Map(l.edges.filter((e) => e.kind === "transition").map((e) => [e.id, e]));
    assert.is(edges.size, graph.transitions.length, `${l.name}: edge count`);
    for (const t of graph.transitions) {
      const e = edges.get(t.id);
      assert.ok(e, `${l.name}: no edge for ${t.label} (${t.source} → ${t.target})`);
      assert.is(e.source, t.source);
      assert.is(e.target, t.target);
      assert.ok(e.points.length >= 2, `${l.name}: edge ${t.label} has no route`);
      assert.ok(e.label.length > 0 && e.labelBox !== null, `${l.name}: edge ${t.id} has no label`);
    }
  }
});

test("each compound state's initial child is marked by a dot and an edge", () => {
  for (const l of layouts) {
    for (const s of l.states.filter((x) => x.kind === "compound")) {
      assert.ok(
        l.initials.some((m) => m.parent === s.id),
        `${l.name}: no initial dot in ${s.id}`,
      );
      assert.ok(
        l.edges.some((e) => e.kind === "initial" && e.target === s.initial && e.points.length >= 2),
        `${l.name}: no initial edge to ${s.initial}`,
      );
    }
  }
});

test("the node machine reads as its source: parallel regions, named invokes, delays and guards", () => {
  const node = layouts.find((l) => l.name === "node")!;
  const running = node.states.find((s) => s.path === "running")!;
  assert.is(running.kind, "parallel");
  assert.equal(
    node.states
      .filter((s) => s.parent === running.id)
      .map((s) => s.key)
      .sort(),
    ["agent", "manager", "readiness"],
  );
  const labels = new Set(node.edges.map((e) => e.label));
  for (const l of [
    "START",
    "onDone(startNode)",
    "onError(startNode)",
    "after(reconnectDelay)",
    "always [roleIsManager]",
  ]) {
    assert.ok(labels.has(l), `no edge labelled "${l}" in ${[...labels].join(", ")}`);
  }
  const raft = layouts.find((l) => l.name === "raft")!;
  assert.ok(raft.edges.some((e) => e.label === "CORE_STATE [isRole(role=leader)]" && e.target === "raft.leader"));
});

test.run();

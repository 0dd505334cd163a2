import ELK, { type ElkExtendedEdge, type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { AnyStateMachine } from "xstate";
import { type ChartState, type ChartTransition, chartGraph } from "./machine-graph.ts";

/**
 * A statechart laid out for drawing: every state as a box (compound states
 * enclose their children), every transition as a labelled polyline, and a dot
 * with an arrow to each compound state's initial child. All coordinates are
 * absolute (from the chart's top-left corner), so the browser draws without
 * adding offsets up the tree.
 */
export interface Point {
  x: number;
  y: number;
}
export interface Box extends Point {
  width: number;
  height: number;
}

export type LaidOutState = ChartState & Box;

export interface LaidOutEdge {
  id: string;
  kind: "transition" | "initial";
  source: string;
  target: string;
  label: string;
  /** Start point, bend points, end point. */
  points: Point[];
  labelBox: Box | null;
}

export interface InitialMarker extends Point {
  /** The compound state whose initial child this marks. */
  parent: string;
  r: number;
}

export interface MachineLayout {
  /** The machine's key in machines/index.ts. */
  name: string;
  id: string;
  width: number;
  height: number;
  states: LaidOutState[];
  edges: LaidOutEdge[];
  initials: InitialMarker[];
}

/** The page draws labels in an 11 px monospace font: every character is 0.6 em wide. */
export const CHAR_WIDTH = 6.6;
const LINE_HEIGHT = 14;
const STATE_HEIGHT = 28;
const STATE_PAD_X = 10;
const COMPOUND_LABEL_HEIGHT = 22;
const INITIAL_SIZE = 10;

const textWidth = (s: string) => Math.ceil(s.length * CHAR_WIDTH);

const initialId = (parent: string) => `${parent}#initial`;

const rootOptions = {
  "elk.algorithm": "layered",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.json.shapeCoords": "ROOT",
  "elk.json.edgeCoords": "ROOT",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.spacing.nodeNodeBetweenLayers": "28",
  "elk.spacing.nodeNode": "18",
  "elk.spacing.edgeLabel": "2",
  "elk.spacing.edgeEdge": "8",
  "elk.edgeLabels.placement": "CENTER",
  "elk.layered.mergeEdges": "false",
};

const compoundOptions = {
  "elk.padding": `[top=${COMPOUND_LABEL_HEIGHT + 8},left=12,bottom=12,right=12]`,
  "elk.nodeSize.constraints": "MINIMUM_SIZE",
};

/** How much taller than wide a chart may be before its other layout wins: a page scrolls down more easily than across. */
const TALL_FACTOR = 1.5;

/**
 * Lays the chart out left-to-right and top-to-bottom and keeps the more
 * compact one (the smaller of width and height × 1.5): wide machines (node,
 * session) read better top-down, small flat ones (raft) left-to-right.
 */
export async function layoutMachine(name: string, machine: AnyStateMachine): Promise<MachineLayout> {
  const right = await layoutMachineTowards(name, machine, "RIGHT");
  const down = await layoutMachineTowards(name, machine, "DOWN");
  const extent = (l: MachineLayout) => Math.max(l.width, l.height * TALL_FACTOR);
  return extent(down) < extent(right) ? down : right;
}

export async function layoutMachineTowards(
  name: string,
  machine: AnyStateMachine,
  direction: "RIGHT" | "DOWN",
): Promise<MachineLayout> {
  const graph = chartGraph(machine);
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const childrenOf = new Map<string, ChartState[]>();
  for (const s of graph.states) {
    if (s.parent !== null) childrenOf.set(s.parent, [...(childrenOf.get(s.parent) ?? []), s]);
  }

  const toElk = (s: ChartState): ElkNode => {
    const kids = childrenOf.get(s.id) ?? [];
    if (kids.length === 0) {
      return { id: s.id, width: textWidth(s.key) + 2 * STATE_PAD_X, height: STATE_HEIGHT };
    }
    const marker: ElkNode[] = s.initial ? [{ id: initialId(s.id), width: INITIAL_SIZE, height: INITIAL_SIZE }] : [];
    return {
      id: s.id,
      width: textWidth(s.key) + 2 * STATE_PAD_X,
      height: COMPOUND_LABEL_HEIGHT,
      layoutOptions: compoundOptions,
      children: [...marker, ...kids.map(toElk)],
    };
  };

  const root = graph.states.find((s) => s.parent === null);
  if (!root) throw new Error(`machine ${graph.id} has no root state`);
  const initialEdges: ChartTransition[] = graph.states
    .filter((s) => s.initial !== null)
    .map((s) => ({ id: initialId(s.id), source: initialId(s.id), target: s.initial!, label: "" }));
  const edge = (t: ChartTransition): ElkExtendedEdge => ({
    id: t.id,
    sources: [t.source],
    targets: [t.target],
    ...(t.label ? { labels: [{ text: t.label, width: textWidth(t.label), height: LINE_HEIGHT }] } : {}),
  });

  const elk = new ELK();
  const out = await elk.layout({
    id: "__chart",
    layoutOptions: { ...rootOptions, "elk.direction": direction },
    children: [toElk(root)],
    edges: [...initialEdges, ...graph.transitions].map(edge),
  });

  const boxes = new Map<string, Box>();
  const collect = (n: ElkNode): void => {
    boxes.set(n.id, { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 });
    for (const c of n.children ?? []) collect(c);
  };
  for (const c of out.children ?? []) collect(c);

  const states: LaidOutState[] = graph.states.map((s) => ({ ...s, ...boxOf(boxes, s.id) }));
  const initials: InitialMarker[] = graph.states
    .filter((s) => s.initial !== null)
    .map((s) => {
      const b = boxOf(boxes, initialId(s.id));
      return { parent: s.id, x: b.x + b.width / 2, y: b.y + b.height / 2, r: INITIAL_SIZE / 2 };
    });
  const laidEdges = new Map((out.edges ?? []).map((e) => [e.id, e]));
  const edges: LaidOutEdge[] = [
    ...initialEdges.map((t) => laidOut(t, "initial")),
    ...graph.transitions.map((t) => laidOut(t, "transition")),
  ];
  function laidOut(t: ChartTransition, kind: LaidOutEdge["kind"]): LaidOutEdge {
    const e = laidEdges.get(t.id);
    const points = (e?.sections ?? []).flatMap((sec) => [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint]);
    const l = e?.labels?.[0];
    const labelBox = l ? { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 } : null;
    return { id: t.id, kind, source: t.source, target: t.target, label: t.label, points, labelBox };
  }

  const rootBox = boxOf(boxes, root.id);
  if (!byId.has(root.id)) throw new Error(`machine ${graph.id}: lost its root`);
  return {
    name,
    id: graph.id,
    width: Math.ceil(rootBox.x + rootBox.width + 1),
    height: Math.ceil(rootBox.y + rootBox.height + 1),
    states,
    edges,
    initials,
  };
}

function boxOf(boxes: Map<string, Box>, id: string): Box {
  const b = boxes.get(id);
  if (!b) throw new Error(`the layout has no box for ${id}`);
  return b;
}

/** Every machine laid out once, by its name in machines/index.ts. */
export async function layoutMachines(machines: Record<string, AnyStateMachine>): Promise<MachineLayout[]> {
  const out: MachineLayout[] = [];
  // One at a time: elkjs's bundled build runs on this thread, and charts are few.
  for (const [name, m] of Object.entries(machines)) out.push(await layoutMachine(name, m));
  return out;
}

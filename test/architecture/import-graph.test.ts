import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  cycles,
  type ImportEdge,
  layerViolations,
  parseLayers,
  placementProblems,
  specifiersOf,
  unitGraph,
  unitOf,
  unplacedFiles,
} from "./import-graph.ts";

/** The checker of layers.test.ts on graphs made up here: it must fail where the house would be wrong. */

const doc = ["# a house", "", "```layers", "src/top   # comment", "src/mid | src/side", "src/low/", "```", ""].join(
  "\n",
);
const layers = parseLayers(doc);
const edge = (from: string, specifier: string, to: string | undefined): ImportEdge => ({ from, specifier, to });

test("parseLayers reads one level a line, units split by |, comments and trailing slashes dropped", () => {
  assert.equal(layers, [["src/top"], ["src/mid", "src/side"], ["src/low"]]);
});

test("parseLayers refuses no block, two blocks, an empty unit and a unit placed twice", () => {
  assert.throws(() => parseLayers("no block"), /expected one ```layers block, found 0/);
  assert.throws(() => parseLayers(`${doc}${doc}`), /found 2/);
  assert.throws(() => parseLayers("```layers\nsrc/a | \n```"), /empty unit/);
  assert.throws(() => parseLayers("```layers\nsrc/a\nsrc/b | src/a\n```"), /src\/a is placed twice/);
  assert.throws(() => parseLayers("```layers\n# nothing\n```"), /names no layer/);
});

test("an upward import fails, naming the file, the import and both layers", () => {
  const vs = layerViolations([edge("src/low/x.ts", "../top/y.ts", "src/top/y.ts")], layers);
  assert.equal(vs, [
    {
      file: "src/low/x.ts",
      specifier: "../top/y.ts",
      message: "points up: src/low (layer 3) imports src/top (layer 1)",
    },
  ]);
});

test("a sideways import fails; a downward one, one inside a unit and a package import pass", () => {
  const vs = layerViolations(
    [
      edge("src/mid/a.ts", "../side/b.ts", "src/side/b.ts"),
      edge("src/top/a.ts", "../low/b.ts", "src/low/b.ts"),
      edge("src/mid/a.ts", "./c.ts", "src/mid/c.ts"),
      edge("src/low/a.ts", "xstate", undefined),
    ],
    layers,
  );
  assert.equal(
    vs.map((v) => v.message),
    ["points sideways: src/mid (layer 2) imports src/side (layer 2)"],
  );
});

test("an import out of the layers or to no file fails", () => {
  const vs = layerViolations(
    [edge("src/top/a.ts", "../../test/x.ts", "test/x.ts"), edge("src/top/a.ts", "./gone.ts", undefined)],
    layers,
  );
  assert.equal(
    vs.map((v) => v.message),
    ["src/top imports test/x.ts, which no layer holds", "resolves to no file"],
  );
});

test("a file belongs to the longest unit that holds it", () => {
  const units = ["src/inspect", "src/inspect/dashboard", "src/log.ts"];
  assert.is(unitOf("src/inspect/dashboard/public/app.js", units), "src/inspect/dashboard");
  assert.is(unitOf("src/inspect/machine-graph.ts", units), "src/inspect");
  assert.is(unitOf("src/log.ts", units), "src/log.ts");
  assert.is(unitOf("src/logger.ts", units), undefined);
  assert.equal(unplacedFiles(["src/top/a.ts", "src/new/b.ts"], layers), ["src/new/b.ts"]);
});

test("a cycle between units is found, and only between units", () => {
  const units = ["src/a", "src/b", "src/c"];
  const g = unitGraph(
    [
      edge("src/a/x.ts", "../b/y.ts", "src/b/y.ts"),
      edge("src/b/y.ts", "../c/z.ts", "src/c/z.ts"),
      edge("src/c/z.ts", "../a/x.ts", "src/a/x.ts"),
      edge("src/a/x.ts", "./w.ts", "src/a/w.ts"),
    ],
    units,
  );
  assert.equal(cycles(g), [["src/a", "src/b", "src/c"]]);
  assert.equal(cycles(unitGraph([edge("src/a/x.ts", "../b/y.ts", "src/b/y.ts")], units)), []);
});

test("an unplaced src folder, a unit that does not exist and a half-placed folder are reported", () => {
  const tree: Record<string, [string, boolean][]> = {
    "": [["src", true]],
    src: [
      ["top", true],
      ["mid", true],
      ["low", true],
      ["new", true],
      ["version.ts", false],
    ],
    "src/low": [
      ["a", true],
      ["b", true],
    ],
  };
  const half = parseLayers("```layers\nsrc/top | src/mid | src/gone\nsrc/low/a\nsrc/low\n```");
  assert.equal(
    placementProblems(half, (dir) => tree[dir]),
    [
      "src/gone is in the layers but does not exist",
      "src/new is not placed in the layers",
      "src/version.ts is not placed in the layers",
      "src/low/b is not placed, although other sub-folders of src/low are",
    ],
  );
});

test("specifiersOf sees every static form, and nothing in comments or strings", () => {
  const text = [
    'import a from "./a.ts";',
    'import type { B } from "./b.ts";',
    'export * from "./c.ts";',
    'export { d } from "./d.ts";',
    'const e = await import("./e.ts");',
    'type F = import("./f.ts").F;',
    'import "./g.ts";',
    '// import h from "./h.ts";',
    "const s = \"import i from './i.ts'\";",
    "const j = await import(name);",
  ].join("\n");
  assert.equal(specifiersOf("x.ts", text), ["./a.ts", "./b.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts", "./g.ts"]);
  assert.equal(specifiersOf("x.js", 'import { k } from "./k.js";'), ["./k.js"]);
});

test.run();

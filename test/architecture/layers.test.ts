import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  codeFiles,
  cycles,
  diskEntries,
  importEdges,
  layerViolations,
  parseLayers,
  placementProblems,
  unitGraph,
  unplacedFiles,
  type Violation,
} from "./import-graph.ts";

/**
 * The "must show" of issue 8: no import points up the layer order written in
 * docs/architecture.md (its ```layers block), every src folder is placed in
 * it, the folders form no cycle, machines/ stays pure, and the Raft core
 * reaches nothing that does I/O.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOC = "docs/architecture.md";
const layers = parseLayers(readFileSync(join(root, DOC), "utf8"));
const edges = importEdges(root, ["src", "machines"]);

/**
 * Imports that point against the layers today, each with the reason it is
 * tolerated. This list may only shrink: an entry whose import is gone fails
 * the test until it is deleted here. Empty since bus stopped importing node
 * (the daemon contract moved to src/bus) and scenario stopped importing cli
 * (the process helpers moved to src/process).
 */
const KNOWN_VIOLATIONS: readonly { file: string; specifier: string; why: string }[] = [];

const show = (vs: readonly Violation[]) =>
  vs.map((v) => `  ${v.file}: import "${v.specifier}" ${v.message}`).join("\n");
const isKnown = (v: Violation) => KNOWN_VIOLATIONS.some((k) => k.file === v.file && k.specifier === v.specifier);

test(`every src folder and file is placed in the layers of ${DOC}`, () => {
  const problems = placementProblems(layers, diskEntries(root));
  assert.ok(problems.length === 0, `place these in the \`\`\`layers block of ${DOC}:\n  ${problems.join("\n  ")}`);
  const unplaced = unplacedFiles([...codeFiles(root, "src"), ...codeFiles(root, "machines")], layers);
  assert.ok(unplaced.length === 0, `files no layer holds:\n  ${unplaced.join("\n  ")}`);
});

test(`no import in src/ or machines/ points up or sideways against ${DOC}`, () => {
  const found = layerViolations(edges, layers);
  const fresh = found.filter((v) => !isKnown(v));
  assert.ok(fresh.length === 0, `imports against the layers of ${DOC}:\n${show(fresh)}`);
  const gone = KNOWN_VIOLATIONS.filter((k) => !found.some((v) => v.file === k.file && v.specifier === k.specifier));
  assert.equal(gone, [], "these known violations are fixed: delete them from KNOWN_VIOLATIONS");
});

test("the layer units import each other with no cycle", () => {
  const found = cycles(unitGraph(edges, layers.flat()));
  assert.equal(found, [], `import cycles between folders: ${found.map((c) => c.join(" ↔ ")).join("; ")}`);
});

test("machines/ imports nothing from src/ and no Node built-in (the machines are pure)", () => {
  const bad = edges.filter(
    (e) =>
      e.from.startsWith("machines/") &&
      (e.specifier.startsWith("node:") || (e.specifier.startsWith(".") && !e.to?.startsWith("machines/"))),
  );
  assert.equal(
    bad.map((e) => `${e.from}: ${e.specifier}`),
    [],
  );
  // The walk saw the machines at all (a wrong root would pass the line above vacuously).
  assert.ok(edges.some((e) => e.from === "machines/index.ts" && e.to === "machines/node.machine.ts"));
});

test("the walk sees the house's imports (a wrong root or parser would pass vacuously)", () => {
  const has = (from: string, to: string) => edges.some((e) => e.from.startsWith(from) && e.to?.startsWith(to));
  assert.ok(has("src/cli/", "src/bus/"));
  assert.ok(has("src/node/", "src/manager/"));
  assert.ok(has("src/manager/", "src/raft/"));
  assert.ok(edges.length > 500, `only ${edges.length} imports found`);
});

/**
 * The Raft core is pure (etcd/raft's design): what it imports, transitively,
 * is the core itself and the Raft vocabulary (src/raft/types.ts, types and
 * constants only). No Node built-in, no package, no other project file:
 * nothing that could reach the disk or the network.
 */
const CORE = "src/raft/core/";
const CORE_VOCABULARY = new Set(["src/raft/types.ts"]);

/** Each import reachable from `starts` that leaves the pure set, as "from → what (why)". */
function impureImports(starts: readonly string[]): string[] {
  const byFile = new Map<string, typeof edges>();
  for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);
  const seen = new Set<string>();
  const bad: string[] = [];
  const todo = [...starts];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const e of byFile.get(file) ?? []) {
      if (e.to === undefined) bad.push(`${file} → ${e.specifier} (a package, a built-in or unresolved)`);
      else if (!e.to.startsWith(CORE) && !CORE_VOCABULARY.has(e.to)) bad.push(`${file} → ${e.to} (outside the core)`);
      else todo.push(e.to);
    }
  }
  return bad;
}

test("src/raft/core imports nothing that could touch the disk or the network", () => {
  const files = codeFiles(root, CORE);
  assert.ok(files.length > 10, `only ${files.length} files found under ${CORE}`);
  assert.equal(impureImports(files), []);
});

test("the purity walk does find what is impure: codec.ts reaches protobufjs and src/rpc (the disk)", () => {
  const bad = impureImports(["src/raft/codec.ts"]);
  assert.ok(
    bad.some((b) => b.includes("→ protobufjs")),
    bad.join("\n"),
  );
  assert.ok(
    bad.some((b) => b.includes("→ src/rpc/proto.ts (outside the core)")),
    bad.join("\n"),
  );
});

test.run();

import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { test } from "uvu";

// The core is pure (etcd/raft's design): what it imports, transitively, is
// the core itself and the Raft vocabulary (src/raft/types.ts, types and
// constants only). No node builtin, no npm package, no other file of the
// project: nothing that could reach the disk or the network.
const root = resolve(import.meta.dirname, "../../..");
const core = join(root, "src/raft/core");
const pureOutside = new Set([join(root, "src/raft/types.ts")]);

const isPure = (file: string): boolean => file.startsWith(`${core}/`) || pureOutside.has(file);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** Every module specifier a file names: import/export … from, bare imports, import(), require(). */
const specifiers = (file: string): string[] =>
  ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);

/** Walks the static import graph from `starts`; returns each import that leaves the pure set, as "from → what". */
function impureImports(starts: string[]): string[] {
  const seen = new Set<string>();
  const bad: string[] = [];
  const todo = [...starts];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(file)) {
      const from = relative(root, file);
      if (!spec.startsWith(".")) {
        bad.push(`${from} → ${spec} (${spec.startsWith("node:") ? "a node builtin" : "a package or builtin"})`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!existsSync(target)) bad.push(`${from} → ${spec} (unresolved)`);
      else if (!isPure(target)) bad.push(`${from} → ${relative(root, target)} (outside the core)`);
      else todo.push(target);
    }
  }
  return bad;
}

test("src/raft/core imports nothing that could touch the disk or the network", () => {
  const files = filesUnder(core);
  assert.ok(files.length > 10, `only ${files.length} files found under ${core}`);
  assert.deepEqual(impureImports(files), []);
});

test("the walk does find what is impure: codec.ts reaches protobufjs and the disk", () => {
  const bad = impureImports([join(root, "src/raft/codec.ts")]);
  assert.ok(
    bad.some((b) => b.includes("→ protobufjs")),
    bad.join("\n"),
  );
  assert.ok(
    bad.some((b) => b.includes("src/rpc/proto.ts (outside the core)")),
    bad.join("\n"),
  );
});

test.run();

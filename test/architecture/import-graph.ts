import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/**
 * The layer check behind test/architecture/layers.test.ts, kept free of the
 * disk where it can be, so the checker itself is tested on graphs made up in
 * memory. A "unit" is a repo-relative path (`src/bus`, `src/log.ts`,
 * `machines`) named in docs/architecture.md's ```layers block; a file belongs
 * to the longest unit that contains it.
 */

/** Top to bottom; each level lists its units. A unit may import only units on a lower level. */
export type Layers = readonly (readonly string[])[];

/** One import of one file, as written and as resolved (undefined: bare specifier or no such file). */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  readonly to: string | undefined;
}

const FENCE = "```layers";

/**
 * The ```layers block of a Markdown text: one level a line, top first, units
 * split by `|`, `#` starting a comment. Throws unless there is exactly one
 * block, every level names a unit and no unit is named twice.
 */
export function parseLayers(markdown: string): Layers {
  const lines = markdown.split("\n");
  const starts = lines.flatMap((l, i) => (l.trim() === FENCE ? [i] : []));
  if (starts.length !== 1) throw new Error(`expected one ${FENCE} block, found ${starts.length}`);
  const start = starts[0]!;
  const end = lines.findIndex((l, i) => i > start && l.trim() === "```");
  if (end < 0) throw new Error(`the ${FENCE} block is not closed`);
  const levels: string[][] = [];
  const seen = new Set<string>();
  for (const raw of lines.slice(start + 1, end)) {
    const text = raw.replace(/#.*/, "").trim();
    if (text === "") continue;
    const units = text.split("|").map((u) => u.trim().replace(/\/$/, ""));
    for (const u of units) {
      if (u === "") throw new Error(`an empty unit in the layers line "${raw.trim()}"`);
      if (seen.has(u)) throw new Error(`${u} is placed twice in the layers`);
      seen.add(u);
    }
    levels.push(units);
  }
  if (levels.length === 0) throw new Error(`the ${FENCE} block names no layer`);
  return levels;
}

/** The level of each unit (0 = top). */
export function levelsOf(layers: Layers): Map<string, number> {
  return new Map(layers.flatMap((units, level) => units.map((u) => [u, level] as const)));
}

/** The longest unit that is `file` or contains it; undefined when none does. */
export function unitOf(file: string, units: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const u of units) {
    if ((file === u || file.startsWith(`${u}/`)) && (best === undefined || u.length > best.length)) best = u;
  }
  return best;
}

/** Every module specifier a file names statically: import/export … from, import("…"), import("…").T, require("…"). */
export function specifiersOf(fileName: string, text: string): string[] {
  const kind = /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const out: string[] = [];
  const literal = (n: ts.Node | undefined) => {
    if (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))) out.push(n.text);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) literal(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      literal(n.moduleReference.expression);
    } else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(callee) && callee.text === "require";
      if (dynamic || required) literal(n.arguments[0]);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) literal(n.argument.literal);
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly message: string;
}

/**
 * Every import between units that does not point down: up, sideways (same
 * level), or out of the layers (to a file no unit holds: test/, bench/ …).
 * Bare specifiers (packages, node:) are not the layers' business.
 */
export function layerViolations(edges: readonly ImportEdge[], layers: Layers): Violation[] {
  const level = levelsOf(layers);
  const out: Violation[] = [];
  for (const e of edges) {
    if (!e.specifier.startsWith(".")) continue;
    const from = unitOf(e.from, level.keys());
    if (from === undefined) continue; // reported by unplacedFiles
    if (e.to === undefined) {
      out.push({ file: e.from, specifier: e.specifier, message: "resolves to no file" });
      continue;
    }
    const to = unitOf(e.to, level.keys());
    if (to === from) continue;
    if (to === undefined) {
      out.push({ file: e.from, specifier: e.specifier, message: `${from} imports ${e.to}, which no layer holds` });
      continue;
    }
    const [a, b] = [level.get(from)!, level.get(to)!];
    if (b > a) continue;
    const how = a === b ? "sideways" : "up";
    out.push({
      file: e.from,
      specifier: e.specifier,
      message: `points ${how}: ${from} (layer ${a + 1}) imports ${to} (layer ${b + 1})`,
    });
  }
  return out;
}

/** The import graph between units: unit → the units it imports. */
export function unitGraph(edges: readonly ImportEdge[], units: readonly string[]): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>(units.map((u) => [u, new Set<string>()]));
  for (const e of edges) {
    if (e.to === undefined) continue;
    const [a, b] = [unitOf(e.from, units), unitOf(e.to, units)];
    if (a !== undefined && b !== undefined && a !== b) g.get(a)!.add(b);
  }
  return g;
}

/** The strongly connected components of more than one unit (Tarjan): each is an import cycle. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) found.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

/**
 * What the layers must place but do not: each entry of `src/` (a folder or a
 * file) needs a unit that is it or lies inside it; a folder whose sub-folders
 * are placed one by one needs each of them placed; a unit must exist.
 * `entries(dir)` lists a folder's children as [name, isDirectory].
 */
export function placementProblems(
  layers: Layers,
  entries: (dir: string) => readonly (readonly [string, boolean])[] | undefined,
): string[] {
  const units = layers.flat();
  const covered = (path: string) => units.some((u) => u === path || u.startsWith(`${path}/`));
  const problems: string[] = [];
  for (const u of units) {
    const parent = dirname(u);
    if (!entries(parent === "." ? "" : parent)?.some(([name]) => name === u.slice(u.lastIndexOf("/") + 1))) {
      problems.push(`${u} is in the layers but does not exist`);
    }
  }
  for (const [name] of entries("src") ?? []) {
    if (!covered(`src/${name}`)) problems.push(`src/${name} is not placed in the layers`);
  }
  for (const u of units) {
    if (!units.some((v) => v.startsWith(`${u}/`))) continue;
    for (const [name, isDir] of entries(u) ?? []) {
      if (isDir && !covered(`${u}/${name}`)) {
        problems.push(`${u}/${name} is not placed, although other sub-folders of ${u} are`);
      }
    }
  }
  return problems;
}

/** The files no unit holds. */
export function unplacedFiles(files: readonly string[], layers: Layers): string[] {
  const units = layers.flat();
  return files.filter((f) => unitOf(f, units) === undefined);
}

// ---- the repository on disk ----------------------------------------------------------------

const CODE = /\.(ts|js|mjs|cjs)$/;

/** Repo-relative paths of the code files under `dir`, with `/` separators. */
export function codeFiles(root: string, dir: string): string[] {
  const walk = (abs: string): string[] =>
    readdirSync(abs).flatMap((name) => {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) return walk(p);
      return CODE.test(name) && !name.endsWith(".d.ts") ? [p] : [];
    });
  return walk(join(root, dir)).map((p) => relative(root, p).split(sep).join("/"));
}

/** The file a relative specifier names, as the bundler resolution of tsconfig finds it; undefined if none. */
export function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const base = resolve(root, dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.js`, join(base, "index.ts"), join(base, "index.js")];
  if (base.endsWith(".js")) candidates.push(base.replace(/\.js$/, ".ts"));
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return hit === undefined ? undefined : relative(root, hit).split(sep).join("/");
}

/** Every import of every code file under `dirs`. */
export function importEdges(root: string, dirs: readonly string[]): ImportEdge[] {
  return dirs.flatMap((dir) =>
    codeFiles(root, dir).flatMap((from) =>
      specifiersOf(from, readFileSync(join(root, from), "utf8")).map((specifier) => ({
        from,
        specifier,
        to: specifier.startsWith(".") ? resolveRelative(root, from, specifier) : undefined,
      })),
    ),
  );
}

/** A folder's children as [name, isDirectory], or undefined when there is no such folder. */
export function diskEntries(root: string): (dir: string) => [string, boolean][] | undefined {
  return (dir) => {
    const abs = join(root, dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) return undefined;
    return readdirSync(abs).map((name) => [name, statSync(join(abs, name)).isDirectory()]);
  };
}

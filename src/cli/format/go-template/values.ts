/**
 * The data a template runs on is JSON (what the daemon answered), read the way
 * Go reads the structs moby decodes it into. An object whose keys are all Go
 * exported names stands for a struct, any other object for a map.
 */
export type Value = unknown;

const isObject = (v: Value): v is Record<string, Value> => typeof v === "object" && v !== null && !Array.isArray(v);

function looksLikeStruct(o: Record<string, Value>): boolean {
  const keys = Object.keys(o);
  return keys.length > 0 && keys.every((k) => /^[A-Z]/.test(k));
}

/** Go's type name for error messages ("string", "map[string]interface {}", …). */
export function goTypeName(v: Value): string {
  if (v === undefined || v === null) return "interface {}";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return looksLikeStruct(v as Record<string, Value>) ? "struct" : "map[string]interface {}";
}

/** text/template's truth: false, 0, "", nil and empty collections are false; structs are true. */
export function truth(v: Value): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v !== "";
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n).replace(/e([+-])(\d)$/, "e$10$2");
}

/** fmt's %v: what `{{.X}}` prints. A missing key prints as Go's "<no value>", null as "<nil>". */
export function printValue(v: Value): string {
  if (v === undefined) return "<no value>";
  if (v === null) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(nested).join(" ")}]`;
  const o = v as Record<string, Value>;
  if (looksLikeStruct(o)) return `{${Object.values(o).map(nested).join(" ")}}`;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${nested(o[k])}`)
    .join(" ")}]`;
}

/** Inside a collection, fmt prints a nil as <nil> whatever kind of nil it is. */
const nested = (v: Value) => (v === undefined ? "<nil>" : printValue(v));

/** Map keys in Go's order for ranging: sorted. */
export function sortedEntries(o: Record<string, Value>): [string, Value][] {
  return Object.keys(o)
    .sort()
    .map((k) => [k, o[k]]);
}

export { isObject };

import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../../rpc/status.ts";

/**
 * Placement constraints (SK manager/constraint/constraint.go): `key==value` or
 * `key!=value` on node.id, node.hostname, node.role, node.platform.os,
 * node.platform.arch, node.labels.<k>, engine.labels.<k>. Values compare
 * without case; label names with it. A key the matcher does not know never
 * matches. (node.ip is not supported: nodes here have no IP of their own.)
 */
export interface Constraint {
  readonly key: string;
  readonly op: "==" | "!=";
  readonly exp: string;
}

const OPERATORS = ["==", "!="] as const;
const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;
const NODE_LABELS = "node.labels.";
const ENGINE_LABELS = "engine.labels.";

/** SwarmKit's texts, which the control API returns to the user. */
export function parseConstraintsOrError(list: readonly string[]): Constraint[] | string {
  const out: Constraint[] = [];
  for (const e of list) {
    const op = OPERATORS.find((o) => e.includes(o));
    if (!op) return `constraint expected one operator from ${OPERATORS.join(", ")}`;
    const at = e.indexOf(op);
    const key = e.slice(0, at).trim();
    if (!KEY.test(key)) return `key '${key}' is invalid`;
    const exp = e.slice(at + op.length).trim();
    if (!VALUE.test(exp)) return `value '${exp}' is invalid`;
    out.push({ key, op, exp });
  }
  return out;
}

/** Parses a service's constraints; an invalid one throws InvalidArgument with SwarmKit's text. */
export function parseConstraints(list: readonly string[]): Constraint[] {
  const r = parseConstraintsOrError(list);
  if (typeof r === "string") throw rpcError("InvalidArgument", r);
  return r;
}

/** As SwarmKit's scheduler and global orchestrator: constraints that do not parse constrain nothing. */
export function tryParseConstraints(list: readonly string[]): Constraint[] {
  const r = parseConstraintsOrError(list);
  return typeof r === "string" ? [] : r;
}

function matches(c: Constraint, what: string): boolean {
  const equal = c.exp.toLowerCase() === what.toLowerCase();
  return c.op === "==" ? equal : !equal;
}

/** The node's value for a constraint key; undefined for a key no node has. */
function nodeValue(key: string, n: Node__Output): string | undefined {
  const k = key.toLowerCase();
  const d = n.description;
  switch (k) {
    case "node.id":
      return n.id;
    case "node.hostname":
      return d?.hostname ?? "";
    case "node.role":
      return n.role;
    case "node.platform.os":
      return d?.platform?.os ?? "";
    case "node.platform.arch":
      return d?.platform?.architecture ?? "";
  }
  if (k.length > NODE_LABELS.length && k.startsWith(NODE_LABELS)) {
    return n.spec?.annotations?.labels?.[key.slice(NODE_LABELS.length)] ?? "";
  }
  if (k.length > ENGINE_LABELS.length && k.startsWith(ENGINE_LABELS)) {
    return d?.engine?.labels?.[key.slice(ENGINE_LABELS.length)] ?? "";
  }
  return undefined;
}

export function nodeMatches(constraints: readonly Constraint[], n: Node__Output): boolean {
  for (const c of constraints) {
    const v = nodeValue(c.key, n);
    if (v === undefined || !matches(c, v)) return false;
  }
  return true;
}

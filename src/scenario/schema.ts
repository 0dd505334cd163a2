import { parseDocument } from "yaml";
import { z } from "zod";
import { type DaemonVerb, daemonRequests } from "../bus/daemon-contract.ts";
import { describeIssues } from "../bus/envelope.ts";
import { rpcError } from "../rpc/status.ts";
import { parseDuration } from "./duration.ts";
import { regexPattern, statePattern } from "./pattern.ts";
import { splitArgs } from "./split-args.ts";
import type { Expect, Scenario, Step } from "./types.ts";

/** A step with no `timeout` of its own (and no scenario-wide `timeout`) gets this. */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const PROCESS_VERBS = ["start", "stop", "kill", "restart", "pause", "resume", "cut", "heal"] as const;
const VERBS = [...PROCESS_VERBS, "init", "join", "promote", "demote", "leave", "rm", "call", "wait", "run"] as const;
type Verb = (typeof VERBS)[number];

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as "500ms", "10s" or "1m", got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** Placeholders (`${w1.id}`) are filled in at run time; the regex must compile with any value there. */
const compiles = (compile: (s: string) => unknown) => (s: string, ctx: z.RefinementCtx) => {
  try {
    compile(s.replace(/\$\{[^}]*\}/g, "x"));
  } catch (e) {
    ctx.addIssue({ code: "custom", message: e instanceof Error ? e.message : String(e) });
  }
};
const regex = z.string().superRefine(compiles(regexPattern));
const state = z.string().min(1).superRefine(compiles(statePattern));

/** A command line, split as a shell would (quotes group words). */
const words = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    const w = splitArgs(s);
    if (w === undefined || w.length === 0) {
      ctx.addIssue({ code: "custom", message: "an unclosed quote (or no words) in the command line" });
      return z.NEVER;
    }
    return w;
  });

const common = { timeout: duration.optional() };
const expect = z
  .strictObject({ error: regex.optional(), result: regex.optional() })
  .refine((e) => (e.error === undefined) !== (e.result === undefined), "give exactly one of error or result");

function stepSchemas(nodeNames: readonly string[]) {
  const declared = (n: string) => nodeNames.includes(n);
  const unknown = (n: string) => `unknown node "${n}" (the scenario's nodes: ${nodeNames.join(", ")})`;
  const node = z.string().refine(declared, { error: (i) => unknown(String(i.input)) });
  const nodes = z
    .union([z.string(), z.array(z.string()).min(1)], { error: "expected a node name or a list of node names" })
    .transform((v, ctx) => {
      const list = typeof v === "string" ? [v] : v;
      for (const n of list) if (!declared(n)) ctx.addIssue({ code: "custom", message: unknown(n) });
      return list;
    });
  const api = { ...common, expect: expect.optional(), until: z.boolean().optional() };
  const out = {} as Record<Verb, z.ZodType<Record<string, unknown>>>;
  for (const v of PROCESS_VERBS) out[v] = z.strictObject({ [v]: nodes, ...common });
  return Object.assign(out, {
    init: z.strictObject({ init: node, "force-new-cluster": z.boolean().optional(), ...api }),
    join: z.strictObject({ join: node, via: node, role: z.enum(["worker", "manager"]).optional(), ...api }),
    promote: z.strictObject({ promote: nodes, on: node.optional(), ...api }),
    demote: z.strictObject({ demote: nodes, on: node.optional(), ...api }),
    rm: z.strictObject({ rm: nodes, on: node.optional(), force: z.boolean().optional(), ...api }),
    leave: z.strictObject({ leave: node, force: z.boolean().optional(), ...api }),
    call: z.strictObject({
      call: z.enum(Object.keys(daemonRequests) as [DaemonVerb, ...DaemonVerb[]]),
      on: node,
      args: z.record(z.string(), z.unknown()).optional(),
      ...api,
    }),
    wait: z.strictObject({
      wait: z.strictObject({ node: nodes.optional(), actor: z.string().min(1), state }),
      ...common,
    }),
    run: z.strictObject({
      run: z.union([words, z.array(z.string()).min(1)]),
      on: node.optional(),
      exit: z.number().int().min(0).optional(),
      stdout: regex.optional(),
      stderr: regex.optional(),
      until: z.boolean().optional(),
      ...common,
    }),
  });
}

const Top = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  profile: z.enum(["fast", "swarm"]).optional(),
  timeout: duration.optional(),
  nodes: z
    .array(z.string().regex(NAME, "a node name is letters, digits, - and _"))
    .min(1)
    .refine((n) => new Set(n).size === n.length, "node names must be unique"),
  steps: z.array(z.unknown()).min(1),
});

/**
 * Reads a scenario file's text into steps, or throws InvalidArgument naming
 * the file, the step (1-based, with its verb) and the field that is wrong.
 */
export function parseScenario(text: string, source: string): Scenario {
  const bad = (where: string, why: string) => rpcError("InvalidArgument", `scenario ${source}: ${where}${why}`);
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw bad("", `not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
  const top = Top.safeParse(doc.toJS());
  if (!top.success) throw bad("", describeIssues(top.error));
  const schemas = stepSchemas(top.data.nodes);
  const defaultTimeout = top.data.timeout ?? DEFAULT_STEP_TIMEOUT_MS;

  const steps = top.data.steps.map((raw, i): Step => {
    const where = `step ${i + 1}`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw bad(`${where}: `, `expected a mapping with one of ${VERBS.join(", ")}`);
    }
    const verbs = Object.keys(raw).filter((k): k is Verb => (VERBS as readonly string[]).includes(k));
    if (verbs.length !== 1) {
      const why =
        verbs.length === 0 ? `no step verb (one of ${VERBS.join(", ")})` : `more than one verb (${verbs.join(", ")})`;
      throw bad(`${where}: `, why);
    }
    const verb = verbs[0]!;
    const parsed = schemas[verb].safeParse(raw);
    if (!parsed.success) throw bad(`${where} (${verb}): `, describeIssues(parsed.error));
    const wrong = badPlaceholder(raw, top.data.nodes);
    if (wrong) throw bad(`${where} (${verb}): `, wrong);
    if (verb === "call") {
      const req = daemonRequests[parsed.data.call as DaemonVerb].safeParse(parsed.data.args ?? {});
      if (!req.success) throw bad(`${where} (call): `, `args.${describeIssues(req.error)}`);
    }
    return toStep(verb, parsed.data, i + 1, defaultTimeout);
  });
  return {
    name: top.data.name,
    description: top.data.description ?? "",
    profile: top.data.profile ?? "fast",
    nodes: top.data.nodes,
    steps,
  };
}

/** A `${…}` that is not `${NODE.id}` or `${NODE.addr}` for a declared node, described; undefined when all are fine. */
function badPlaceholder(v: unknown, nodes: readonly string[], path = ""): string | undefined {
  if (typeof v === "string") {
    for (const m of v.matchAll(/\$\{([^}]*)\}/g)) {
      const [node, what, ...rest] = m[1]!.split(".");
      if (!node || !nodes.includes(node) || (what !== "id" && what !== "addr") || rest.length > 0) {
        return `${path || "value"}: unknown placeholder ${m[0]} (use \${NODE.id} or \${NODE.addr} with NODE one of ${nodes.join(", ")})`;
      }
    }
    return undefined;
  }
  if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      const found = badPlaceholder(x, nodes, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  }
  return undefined;
}

function toStep(verb: Verb, d: Record<string, unknown>, index: number, defaultTimeout: number): Step {
  const timeoutMs = (d.timeout as number | undefined) ?? defaultTimeout;
  const base = { index, timeoutMs };
  const api = {
    ...base,
    until: (d.until as boolean | undefined) ?? false,
    ...(d.expect ? { expect: d.expect as Expect } : {}),
  };
  const on = d.on as string | undefined;
  switch (verb) {
    case "start":
    case "stop":
    case "kill":
    case "restart":
    case "pause":
    case "resume":
    case "cut":
    case "heal":
      return { ...base, kind: verb, nodes: d[verb] as string[] };
    case "init":
      return { ...api, kind: "init", node: d.init as string, forceNewCluster: d["force-new-cluster"] === true };
    case "join":
      return {
        ...api,
        kind: "join",
        node: d.join as string,
        via: d.via as string,
        role: (d.role as "worker" | "manager" | undefined) ?? "worker",
      };
    case "promote":
    case "demote":
      return { ...api, kind: verb, nodes: d[verb] as string[], ...(on ? { on } : {}) };
    case "rm":
      return { ...api, kind: "rm", nodes: d.rm as string[], force: d.force === true, ...(on ? { on } : {}) };
    case "leave":
      return { ...api, kind: "leave", node: d.leave as string, force: d.force === true };
    case "call":
      return {
        ...api,
        kind: "call",
        verb: d.call as string,
        on: on as string,
        args: (d.args as Record<string, unknown> | undefined) ?? {},
      };
    case "wait": {
      const w = d.wait as { node?: string[]; actor: string; state: string };
      return { ...base, kind: "wait", actor: w.actor, state: w.state, ...(w.node ? { node: w.node } : {}) };
    }
    case "run": {
      return {
        ...base,
        kind: "run",
        args: d.run as string[],
        until: d.until === true,
        ...(on ? { on } : {}),
        ...(d.exit !== undefined ? { exit: d.exit as number } : {}),
        ...(d.stdout !== undefined ? { stdout: d.stdout as string } : {}),
        ...(d.stderr !== undefined ? { stderr: d.stderr as string } : {}),
      };
    }
  }
}

import { TemplateError } from "./errors.ts";
import { sprintf } from "./printf.ts";
import { goTypeName, isObject, printValue, truth, type Value } from "./values.ts";

export type TemplateFunction = (args: Value[]) => Value;

/** A function's fixed arity (Go checks it at call time: "wrong number of args for join: want 2 got 1"). */
function arity(name: string, n: number, f: TemplateFunction): TemplateFunction {
  return (args) => {
    if (args.length !== n) throw new TemplateError(`wrong number of args for ${name}: want ${n} got ${args.length}`);
    return f(args);
  };
}

function str(v: Value, fn: string): string {
  if (typeof v !== "string") throw new TemplateError(`error calling ${fn}: expected string; found ${printValue(v)}`);
  return v;
}

function compare(name: string, a: Value, b: Value): number {
  const ta = typeof a;
  if ((ta !== "number" && ta !== "string") || ta !== typeof b) {
    throw new TemplateError(`error calling ${name}: incompatible types for comparison`);
  }
  return (a as number | string) < (b as number | string) ? -1 : a === b ? 0 : 1;
}

function eq(args: Value[]): boolean {
  if (args.length < 2) throw new TemplateError("wrong number of args for eq: want at least 2");
  const [first, ...rest] = args;
  return rest.some((b) => {
    if (first !== null && b !== null && typeof first !== typeof b) {
      throw new TemplateError("error calling eq: incompatible types for comparison");
    }
    return first === b;
  });
}

function indexOf(args: Value[]): Value {
  let v = args[0];
  for (const k of args.slice(1)) {
    if (Array.isArray(v)) {
      if (typeof k !== "number")
        throw new TemplateError(`error calling index: cannot index slice/array with type ${goTypeName(k)}`);
      if (k < 0 || k >= v.length) throw new TemplateError(`error calling index: index out of range: ${k}`);
      v = v[k];
    } else if (isObject(v)) {
      v = v[printValue(k)];
    } else {
      throw new TemplateError(`error calling index: can't index item of type ${goTypeName(v)}`);
    }
  }
  return v;
}

function len(v: Value): number {
  if (typeof v === "string") return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  throw new TemplateError(`error calling len: len of type ${goTypeName(v)}`);
}

/** fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: Value[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += printValue(a);
  });
  return out;
}

/** strings.Title: the first letter of each word in upper case. */
const title = (s: string) =>
  s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());

/** Go's encoding/json with HTML escaping off, as docker's `json` function. */
const json = (v: Value) => JSON.stringify(v === undefined ? null : v) ?? "null";

/** Go's builtins and docker's templates.basicFunctions. */
export const templateFunctions: Readonly<Record<string, TemplateFunction>> = {
  and: (args) => args.find((a) => !truth(a)) ?? args[args.length - 1],
  or: (args) => args.find((a) => truth(a)) ?? args[args.length - 1],
  not: arity("not", 1, ([a]) => !truth(a)),
  len: arity("len", 1, ([a]) => len(a)),
  index: indexOf,
  print: sprint,
  printf: (args) => sprintf(str(args[0], "printf"), args.slice(1)),
  println: (args) => `${args.map(printValue).join(" ")}\n`,
  eq,
  ne: arity("ne", 2, (args) => !eq(args)),
  lt: arity("lt", 2, ([a, b]) => compare("lt", a, b) < 0),
  le: arity("le", 2, ([a, b]) => compare("le", a, b) <= 0),
  gt: arity("gt", 2, ([a, b]) => compare("gt", a, b) > 0),
  ge: arity("ge", 2, ([a, b]) => compare("ge", a, b) >= 0),
  json: arity("json", 1, ([v]) => json(v)),
  split: arity("split", 2, ([s, sep]) => str(s, "split").split(str(sep, "split"))),
  join: arity("join", 2, ([a, sep]) => {
    if (!Array.isArray(a)) throw new TemplateError(`error calling join: expected a list; found ${printValue(a)}`);
    return a.map(printValue).join(str(sep, "join"));
  }),
  title: arity("title", 1, ([s]) => title(str(s, "title"))),
  lower: arity("lower", 1, ([s]) => str(s, "lower").toLowerCase()),
  upper: arity("upper", 1, ([s]) => str(s, "upper").toUpperCase()),
  pad: arity("pad", 3, ([s, pre, suf]) => {
    const v = str(s, "pad");
    return v === "" ? v : " ".repeat(Number(pre)) + v + " ".repeat(Number(suf));
  }),
  truncate: arity("truncate", 2, ([s, n]) => str(s, "truncate").slice(0, Number(n))),
};

const passThrough: TemplateFunction = (args) => args[0];

/**
 * docker's templates.HeaderFunctions: a table's header row runs the same
 * template over the column names, with the string functions leaving them be.
 */
export const headerFunctions: Readonly<Record<string, TemplateFunction>> = {
  ...templateFunctions,
  json: passThrough,
  split: passThrough,
  join: passThrough,
  title: passThrough,
  lower: passThrough,
  upper: passThrough,
  truncate: passThrough,
};

import { StatusError } from "./errors/status-error.ts";
import { parseGoDuration } from "./go-duration.ts";

/**
 * pflag's value parsers as docker/cli's service flags use them, each throwing
 * Go's error text. `flagValue` turns a failure into docker's flag error
 * (cli.FlagErrorFunc): `invalid argument "x" for "--replicas" flag: …` and
 * `See '<command> --help'.`, exit status 125. It is a StatusError, not
 * commander's InvalidArgumentError, so commander passes it through to main.
 */
export function flagValue<T>(flag: string, commandPath: string, parse: (s: string) => T) {
  return (value: string): T => {
    try {
      return parse(value);
    } catch (e) {
      throw new StatusError(
        `invalid argument ${goQuote(value)} for ${goQuote(flag)} flag: ${(e as Error).message}\nSee '${commandPath} --help'.`,
        125,
      );
    }
  };
}

/** The same for a repeatable flag: each value parsed, then appended. */
export function flagValues<T>(flag: string, commandPath: string, parse: (s: string) => T) {
  const one = flagValue(flag, commandPath, parse);
  return (value: string, previous: T[] = []): T[] => [...previous, one(value)];
}

/** Go's %q for the printable strings flags carry. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** strconv.ParseUint(s, 0, 64) as docker's Uint64Opt reads it (0x, 0o, 0b prefixes accepted). */
export function parseUint64(s: string, base0 = true): number {
  const syntax = () => new Error(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const body = s.replaceAll("_", "");
  let n: bigint;
  if (base0 && /^0[xX][0-9a-fA-F]+$/.test(body)) n = BigInt(body);
  else if (base0 && /^0[oO]?[0-7]+$/.test(body)) n = BigInt(`0o${body.replace(/^0[oO]?/, "")}`);
  else if (base0 && /^0[bB][01]+$/.test(body)) n = BigInt(body);
  else if (/^\d+$/.test(s)) n = BigInt(s);
  else throw syntax();
  if (n > 18446744073709551615n) throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return Number(n);
}

/** pflag's Uint64Var: strconv.ParseUint(s, 0, 64) too. */
export const parseUint64Flag = (s: string): number => parseUint64(s);

/** Go's strconv.ParseFloat for the decimal forms (`1`, `1.5`, `.5`, `1e3`). */
function parseGoFloat(s: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    throw new Error(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  }
  return Number(s);
}

const BINARY: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes (`--limit-memory 4MiB`, `100m`, `1g`, `512`), docker's MemBytes flag. */
export function ramInBytes(sizeStr: string): number {
  let sep = -1;
  for (let i = sizeStr.length - 1; i >= 0; i--) {
    if ("01234567890. ".includes(sizeStr[i] as string)) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new Error(`invalid size: '${sizeStr}'`);
  const num = sizeStr[sep] !== " " ? sizeStr.slice(0, sep + 1) : sizeStr.slice(0, sep);
  let sfx = sizeStr.slice(sep + 1);
  let size = parseGoFloat(num);
  if (size < 0) throw new Error(`invalid size: '${sizeStr}'`);
  if (sfx.length === 0) return Math.trunc(size);
  const bad = () => new Error(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === "b") {
    if (sfx.length > 1) throw bad();
    return Math.trunc(size);
  }
  const mul = BINARY[sfx[0] as string];
  if (mul === undefined) throw bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== "b") || (sfx.length === 3 && sfx.slice(1) !== "ib")) throw bad();
  return Math.trunc(size);
}

/** docker's ParseCPUs: a rational number (`0.5`, `1.25`, `3/2`, `1e-3`) of CPUs as integer NanoCPUs. */
export function parseNanoCpus(value: string): number {
  const rational = () => new Error(`failed to parse ${value} as a rational number`);
  let num: bigint;
  let den: bigint;
  const frac = /^([+-]?\d+)\/(\d+)$/.exec(value);
  const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value);
  if (frac) {
    num = BigInt(frac[1] as string);
    den = BigInt(frac[2] as string);
    if (den === 0n) throw rational();
  } else if (dec && ((dec[2] ?? "") !== "" || (dec[3] ?? "") !== "")) {
    const digits = `${dec[2] ?? ""}${dec[3] ?? ""}` || "0";
    const exp = Number(dec[4] ?? 0) - (dec[3] ?? "").length;
    num = BigInt(digits) * (dec[1] === "-" ? -1n : 1n);
    den = 1n;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den = 10n ** BigInt(-exp);
  } else {
    throw rational();
  }
  const nano = num * 1_000_000_000n;
  if (nano % den !== 0n) throw new Error("value is too precise");
  return Number(nano / den);
}

/** docker's DurationOpt / pflag DurationVar: Go's time.ParseDuration, as integer nanoseconds. */
export function parseDurationNs(s: string): number {
  return Math.round(parseGoDuration(s) * 1e6);
}

/** docker's opts.ValidateEnv: `NAME=VALUE`, or `NAME` taking the CLI's own environment's value when set. */
export function validateEnv(val: string): string {
  const eq = val.indexOf("=");
  const k = eq === -1 ? val : val.slice(0, eq);
  if (k === "") throw new Error(`invalid environment variable: ${val}`);
  if (eq !== -1) return val;
  const v = process.env[k];
  return v === undefined ? val : `${k}=${v}`;
}

const WHITESPACE = " \t\n\v\f\r";

/** docker's opts.ValidateLabel. */
export function validateLabel(value: string): string {
  const eq = value.indexOf("=");
  let key = eq === -1 ? value : value.slice(0, eq);
  while (key !== "" && WHITESPACE.includes(key[0] as string)) key = key.slice(1);
  if (key === "") throw new Error(`invalid label '${value}': empty name`);
  if ([...key].some((c) => WHITESPACE.includes(c))) throw new Error(`label '${key}' contains whitespaces`);
  return value;
}

/** docker's opts.ConvertKVStringsToMap: `k=v` → {k: v}, a bare `k` → {k: ""}. */
export function kvMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq === -1) out[v] = "";
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** google/shlex's Split, as docker's ShlexOpt reads `--entrypoint`: words, quotes and backslashes as a POSIX shell. */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (" \t\n\r".includes(c)) {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "\\") {
      if (i + 1 >= s.length) throw new Error("EOF found after escape character");
      word = (word ?? "") + s[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end === -1) throw new Error("EOF found when expecting closing quote");
      word = (word ?? "") + s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let acc = "";
      for (;;) {
        if (j >= s.length) throw new Error("EOF found when expecting closing quote");
        const d = s[j] as string;
        if (d === '"') break;
        if (d === "\\" && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1] as string)) {
          acc += s[j + 1];
          j += 2;
          continue;
        }
        acc += d;
        j++;
      }
      word = (word ?? "") + acc;
      i = j + 1;
    } else if (c === "#" && word === null) {
      break;
    } else {
      word = (word ?? "") + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

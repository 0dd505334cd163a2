import { printValue, type Value } from "./values.ts";

/**
 * fmt.Sprintf for the verbs people put in `--format`: %v %s %d %q %t %f %x %X
 * %%, with the `-` and `0` flags, a width and a precision. A verb that does
 * not fit its operand prints Go's `%!d(string=x)`.
 */
export function sprintf(format: string, args: Value[]): string {
  let argi = 0;
  const out = format.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, w, p, verb: string) => {
    if (verb === "%") return "%";
    if (argi >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[argi++];
    const body = formatVerb(verb, arg, p === undefined ? undefined : Number(p));
    return pad(body, w === undefined ? 0 : Number(w), flags);
  });
  if (argi < args.length) {
    return `${out}%!(EXTRA ${args
      .slice(argi)
      .map(
        (a) => `${typeof a === "string" ? "string" : typeof a === "number" ? "int" : "interface {}"}=${printValue(a)}`,
      )
      .join(", ")})`;
  }
  return out;
}

function formatVerb(verb: string, arg: Value, precision: number | undefined): string {
  const bad = () => `%!${verb}(${typeof arg}=${printValue(arg)})`;
  switch (verb) {
    case "v":
      return printValue(arg);
    case "s":
      return typeof arg === "string" || typeof arg !== "number"
        ? printValue(arg).slice(0, precision ?? Number.POSITIVE_INFINITY)
        : bad();
    case "q":
      return typeof arg === "string" ? JSON.stringify(arg) : bad();
    case "t":
      return typeof arg === "boolean" ? String(arg) : bad();
    case "d":
      return typeof arg === "number" && Number.isInteger(arg) ? String(arg) : bad();
    case "f":
      return typeof arg === "number" ? arg.toFixed(precision ?? 6) : bad();
    case "x":
    case "X": {
      const s =
        typeof arg === "number" ? arg.toString(16) : typeof arg === "string" ? Buffer.from(arg).toString("hex") : null;
      if (s === null) return bad();
      return verb === "X" ? s.toUpperCase() : s;
    }
    default:
      return `%!${verb}(${printValue(arg)})`;
  }
}

function pad(s: string, width: number, flags: string): string {
  if (s.length >= width) return s;
  if (flags.includes("-")) return s.padEnd(width);
  if (flags.includes("0") && /^-?\d/.test(s)) {
    const neg = s.startsWith("-");
    return (neg ? "-" : "") + (neg ? s.slice(1) : s).padStart(width - (neg ? 1 : 0), "0");
  }
  return s.padStart(width);
}

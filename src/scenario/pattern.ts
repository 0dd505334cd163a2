/**
 * The two ways a scenario names an expected text. A state is matched exactly
 * unless written as `/regex/flags`; an output (stdout, stderr, error) is always
 * a regex, written bare or as `/regex/flags`.
 */
export interface Pattern {
  readonly source: string;
  test(s: string): boolean;
}

const SLASHED = /^\/(.*)\/([dgimsuy]*)$/s;

/** Compiles a pattern; throws a SyntaxError naming the regex when it does not compile. */
export function statePattern(text: string): Pattern {
  if (!SLASHED.test(text)) return { source: JSON.stringify(text), test: (s) => s === text };
  return regexPattern(text);
}

export function regexPattern(text: string): Pattern {
  const m = SLASHED.exec(text);
  // A `g` or `y` flag would make test() stateful; neither means anything for one match.
  const re = m ? new RegExp(m[1]!, m[2]!.replace(/[gy]/g, "")) : new RegExp(text);
  return { source: `/${re.source}/${re.flags}`, test: (s) => re.test(s) };
}

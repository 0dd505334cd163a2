import { parseError } from "./errors.ts";

/** The tokens of Go's text/template lexer that the subset docker users type needs. */
export type TokenType =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "field"
  | "dot"
  | "variable"
  | "identifier"
  | "string"
  | "number"
  | "bool"
  | "nil"
  | "lparen"
  | "rparen"
  | "pipe"
  | "declare"
  | "assign"
  | "comma"
  | "eof";

export interface Token {
  type: TokenType;
  /** The token's text: a field's name without the dot, a string's decoded value. */
  value: string;
  /** Byte offset in the template, for Go-style error positions. */
  pos: number;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** Splits a template into text and action tokens, applying the `{{-`/`-}}` trim markers. */
export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let trimNextText = false;
  while (i <= src.length) {
    const open = src.indexOf("{{", i);
    const textEnd = open === -1 ? src.length : open;
    let text = src.slice(i, textEnd);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, "");
    const trimBefore = open !== -1 && src[open + 2] === "-" && isSpace(src[open + 3]);
    if (trimBefore) text = text.replace(/[ \t\r\n]+$/, "");
    if (text !== "") out.push({ type: "text", value: text, pos: i });
    if (open === -1) break;
    let j = open + 2 + (trimBefore ? 2 : 0);
    const comment = lexComment(src, j);
    if (comment) {
      trimNextText = comment.trimAfter;
      i = comment.end;
      continue;
    }
    out.push({ type: "leftDelim", value: "{{", pos: open });
    const action = lexAction(src, j, out);
    j = action.end;
    trimNextText = action.trimAfter;
    i = j;
  }
  out.push({ type: "eof", value: "", pos: src.length });
  return out;
}

function lexComment(src: string, start: number): { end: number; trimAfter: boolean } | undefined {
  if (!src.startsWith("/*", start)) return undefined;
  const close = src.indexOf("*/", start + 2);
  if (close === -1) throw parseError(src, start, "unclosed comment");
  let j = close + 2;
  let trimAfter = false;
  if (src[j] === " " && src.startsWith("-}}", j + 1)) {
    trimAfter = true;
    j += 2;
  }
  if (!src.startsWith("}}", j)) throw parseError(src, start, "comment ends before closing delimiter");
  return { end: j + 2, trimAfter };
}

/** Lexes one action's inside up to and including its `}}`; returns where the text resumes. */
function lexAction(src: string, start: number, out: Token[]): { end: number; trimAfter: boolean } {
  let j = start;
  const push = (type: TokenType, value: string, pos: number) => out.push({ type, value, pos });
  for (;;) {
    if (j >= src.length) throw parseError(src, j, "unclosed action");
    if (isSpace(src[j]) && src.startsWith("-}}", j + 1)) {
      push("rightDelim", "}}", j + 1);
      return { end: j + 4, trimAfter: true };
    }
    if (src.startsWith("}}", j)) {
      push("rightDelim", "}}", j);
      return { end: j + 2, trimAfter: false };
    }
    const c = src[j] as string;
    if (isSpace(c)) {
      const s = j;
      // Stops before a space that opens " -}}", which the loop's head reads as the delimiter.
      while (isSpace(src[j]) && !src.startsWith("-}}", j + 1)) j++;
      push("space", " ", s);
      continue;
    }
    if (c === '"' || c === "`") {
      const s = lexString(src, j);
      push("string", s.value, j);
      j = s.end;
      continue;
    }
    if (c === "." && !/[0-9]/.test(src[j + 1] ?? "")) {
      let k = j + 1;
      while (isAlnum(src[k])) k++;
      push(k === j + 1 ? "dot" : "field", src.slice(j + 1, k), j);
      j = k;
      continue;
    }
    if (c === "$") {
      let k = j + 1;
      while (isAlnum(src[k])) k++;
      push("variable", src.slice(j, k), j);
      j = k;
      continue;
    }
    const num = /^[+-]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d+([eE][+-]?\d+)?)/.exec(src.slice(j));
    if (num && (/[0-9]/.test(c) || /[0-9.]/.test(src[j + 1] ?? ""))) {
      push("number", num[0], j);
      j += num[0].length;
      continue;
    }
    if (isAlnum(c)) {
      let k = j;
      while (isAlnum(src[k])) k++;
      const word = src.slice(j, k);
      push(word === "true" || word === "false" ? "bool" : word === "nil" ? "nil" : "identifier", word, j);
      j = k;
      continue;
    }
    const single: Record<string, TokenType> = {
      "(": "lparen",
      ")": "rparen",
      "|": "pipe",
      ",": "comma",
      "=": "assign",
    };
    if (c === ":" && src[j + 1] === "=") {
      push("declare", ":=", j);
      j += 2;
      continue;
    }
    const t = single[c];
    if (!t) throw parseError(src, j, `unexpected ${JSON.stringify(c)} in command`);
    push(t, c, j);
    j++;
  }
}

function lexString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  if (quote === "`") {
    const close = src.indexOf("`", start + 1);
    if (close === -1) throw parseError(src, start, "unterminated raw quoted string");
    return { value: src.slice(start + 1, close), end: close + 1 };
  }
  let k = start + 1;
  while (k < src.length && src[k] !== '"') {
    if (src[k] === "\n") break;
    k += src[k] === "\\" ? 2 : 1;
  }
  if (src[k] !== '"') throw parseError(src, start, "unterminated quoted string");
  const raw = src.slice(start, k + 1);
  try {
    // Go's quoted strings and JSON's agree on the escapes docker users type (\n, \t, \", \\).
    return { value: JSON.parse(raw.replace(/\\'/g, "'")) as string, end: k + 1 };
  } catch {
    throw parseError(src, start, `invalid syntax: ${raw}`);
  }
}

import type { Branch, Command, Operand, Pipeline, TemplateNode, Term } from "./ast.ts";
import { parseError } from "./errors.ts";
import { lex, type Token } from "./lexer.ts";

const UNSUPPORTED = new Set(["define", "template", "block", "break", "continue"]);

/**
 * Go's text/template/parse for the subset docker users type: text, actions,
 * pipelines with functions, `if`/`else if`/`else`, `range` (with `$i, $v :=`),
 * `with`, variables, parenthesised pipelines, comments and trim markers.
 * `define`/`template`/`block` are refused with a parse error.
 */
export function parseTemplate(src: string, functions: ReadonlySet<string>): TemplateNode[] {
  const p = new Parser(src, lex(src), functions);
  const { nodes, stop } = p.list();
  if (stop !== "eof") throw parseError(src, p.stopPos, `unexpected {{${stop}}}`);
  return nodes;
}

type Stop = "eof" | "end" | "else";

class Parser {
  private i = 0;
  /** Declared variable names, innermost last; `$` is the data. */
  private vars: string[] = ["$"];
  stopPos = 0;

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
    private readonly functions: ReadonlySet<string>,
  ) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    return this.tokens[this.i++] as Token;
  }

  private last(): Token {
    return this.tokens[this.tokens.length - 1] as Token;
  }

  private skipSpace(): void {
    while (this.peek().type === "space") this.i++;
  }

  private error(tok: Token, message: string): never {
    throw parseError(this.src, tok.pos, message);
  }

  private expect(type: Token["type"], context: string): Token {
    this.skipSpace();
    const t = this.next();
    if (t.type !== type) this.error(t, `unexpected ${describe(t)} in ${context}`);
    return t;
  }

  /** Nodes up to {{end}}, {{else}} (left for the caller to read on) or the end of the template. */
  list(): { nodes: TemplateNode[]; stop: Stop } {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === "eof") return { nodes, stop: "eof" };
      if (t.type === "text") {
        nodes.push({ kind: "text", text: t.value });
        continue;
      }
      this.skipSpace();
      const head = this.peek();
      if (head.type === "identifier" && (head.value === "end" || head.value === "else")) {
        this.i++;
        this.stopPos = head.pos;
        if (head.value === "end") this.expect("rightDelim", "end");
        return { nodes, stop: head.value };
      }
      nodes.push(this.action());
    }
  }

  private action(): TemplateNode {
    const head = this.peek();
    if (head.type === "identifier" && UNSUPPORTED.has(head.value)) {
      this.error(head, `{{${head.value}}} is not supported by swarmbus's template subset`);
    }
    if (head.type === "identifier" && (head.value === "if" || head.value === "with" || head.value === "range")) {
      this.i++;
      return this.control(head.value);
    }
    const pipe = this.pipeline("command", "rightDelim");
    if (pipe.decl.length > 0 && !pipe.assign) this.vars.push(...pipe.decl);
    return { kind: "action", pipe };
  }

  private control(kind: "if" | "with" | "range"): Branch<typeof kind> {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, "rightDelim");
    this.vars.push(...pipe.decl);
    const body = this.list();
    let elseList: TemplateNode[] | undefined;
    if (body.stop === "eof") this.error(this.last(), "unexpected EOF");
    if (body.stop === "else") {
      this.skipSpace();
      const chained = this.peek();
      if (kind !== "range" && chained.type === "identifier" && chained.value === kind) {
        // {{else if …}} is {{else}}{{if …}}…{{end}} sharing the outer {{end}}.
        this.i++;
        this.vars.length = mark;
        elseList = [this.control(kind)];
      } else {
        this.expect("rightDelim", "else");
        this.vars.length = mark;
        const rest = this.list();
        if (rest.stop !== "end")
          this.error(this.last(), rest.stop === "eof" ? "unexpected EOF" : "unexpected {{else}}");
        elseList = rest.nodes;
      }
    }
    this.vars.length = mark;
    return { kind, pipe, list: body.nodes, elseList };
  }

  private pipeline(context: string, end: "rightDelim" | "rparen"): Pipeline {
    this.skipSpace();
    const pos = this.peek().pos;
    const { decl, assign } = this.declaration(context);
    const cmds: Command[] = [];
    for (;;) {
      this.skipSpace();
      const t = this.peek();
      if (t.type === end) {
        this.i++;
        break;
      }
      if (t.type === "pipe") {
        if (cmds.length === 0) this.error(t, "missing value for command");
        this.i++;
        continue;
      }
      cmds.push(this.command(context, end));
    }
    if (cmds.length === 0) this.error(this.tokens[this.i - 1] as Token, `missing value for ${context}`);
    return { decl, assign, cmds, pos };
  }

  private declaration(context: string): { decl: string[]; assign: boolean } {
    const start = this.i;
    const names: string[] = [];
    for (;;) {
      this.skipSpace();
      const v = this.peek();
      if (v.type !== "variable") break;
      this.i++;
      this.skipSpace();
      const op = this.peek();
      if (op.type === "declare" || op.type === "assign") {
        this.i++;
        names.push(v.value);
        if (op.type === "assign" && !this.vars.includes(v.value)) this.error(v, `undefined variable "${v.value}"`);
        if (names.length > 2 || (names.length === 2 && context !== "range")) this.error(op, "too many declarations");
        return { decl: names, assign: op.type === "assign" };
      }
      if (op.type === "comma" && context === "range" && names.length === 0) {
        this.i++;
        names.push(v.value);
        continue;
      }
      break;
    }
    this.i = start;
    return { decl: [], assign: false };
  }

  private command(context: string, end: "rightDelim" | "rparen"): Command {
    const pos = this.peek().pos;
    const args: Operand[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === end || t.type === "pipe") break;
      if (t.type === "space") {
        this.i++;
        continue;
      }
      if (args.length > 0 && this.tokens[this.i - 1]?.type !== "space") {
        this.error(t, `unexpected ${describe(t)} in operand`);
      }
      args.push(this.operand(context));
    }
    if (args.length === 0) this.error(this.peek(), `missing value for ${context}`);
    return { args, pos };
  }

  private operand(context: string): Operand {
    const t = this.next();
    const term = this.term(t, context);
    const fields: string[] = t.type === "field" ? [t.value] : [];
    while (this.peek().type === "field") fields.push(this.next().value);
    if (fields.length > 0 && (term.kind === "function" || term.kind === "literal")) {
      this.error(t, `unexpected . after term ${JSON.stringify(this.src.slice(t.pos, this.peek().pos))}`);
    }
    return { term, fields, text: this.src.slice(t.pos, this.peek().pos).trim(), pos: t.pos };
  }

  private term(t: Token, context: string): Term {
    switch (t.type) {
      case "dot":
      case "field":
        return { kind: "dot" };
      case "variable":
        if (!this.vars.includes(t.value)) this.error(t, `undefined variable "${t.value}"`);
        return { kind: "variable", name: t.value };
      case "identifier":
        if (!this.functions.has(t.value)) this.error(t, `function "${t.value}" not defined`);
        return { kind: "function", name: t.value };
      case "string":
        return { kind: "literal", value: t.value };
      case "number":
        return { kind: "literal", value: parseNumber(this.src, t) };
      case "bool":
        return { kind: "literal", value: t.value === "true" };
      case "nil":
        return { kind: "literal", value: null };
      case "lparen":
        return { kind: "pipeline", pipe: this.pipeline("parenthesized pipeline", "rparen") };
      default:
        return this.error(t, t.type === "eof" ? "unclosed action" : `unexpected ${describe(t)} in ${context}`);
    }
  }
}

function parseNumber(src: string, t: Token): number {
  const n = Number(t.value.replace(/_/g, ""));
  if (Number.isNaN(n)) throw parseError(src, t.pos, `bad number syntax: "${t.value}"`);
  return n;
}

function describe(t: Token): string {
  if (t.type === "rightDelim") return '"}}"';
  if (t.type === "eof") return "EOF";
  return JSON.stringify(t.type === "string" ? `"${t.value}"` : t.value);
}

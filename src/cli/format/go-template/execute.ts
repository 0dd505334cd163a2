import type { Branch, Command, Operand, Pipeline, TemplateNode } from "./ast.ts";
import { position, TemplateError } from "./errors.ts";
import type { TemplateFunction } from "./functions.ts";
import { goTypeName, isObject, printValue, sortedEntries, truth, type Value } from "./values.ts";

interface Variable {
  name: string;
  value: Value;
}

/** Runs a parsed template over data, as text/template's Execute; errors read as Go's `executing` errors. */
export function executeTemplate(
  src: string,
  nodes: TemplateNode[],
  data: Value,
  functions: Readonly<Record<string, TemplateFunction>>,
): string {
  return new Executor(src, functions, data).run(nodes, data);
}

class Executor {
  private out = "";
  private readonly vars: Variable[];

  constructor(
    private readonly src: string,
    private readonly functions: Readonly<Record<string, TemplateFunction>>,
    data: Value,
  ) {
    this.vars = [{ name: "$", value: data }];
  }

  run(nodes: TemplateNode[], dot: Value): string {
    this.walkList(nodes, dot);
    return this.out;
  }

  private walkList(nodes: TemplateNode[], dot: Value): void {
    for (const n of nodes) this.walk(n, dot);
  }

  private walk(n: TemplateNode, dot: Value): void {
    switch (n.kind) {
      case "text":
        this.out += n.text;
        return;
      case "action": {
        const v = this.pipeline(n.pipe, dot);
        if (n.pipe.decl.length === 0) this.out += printValue(v);
        return;
      }
      case "if":
      case "with":
        this.conditional(n, dot);
        return;
      case "range":
        this.range(n, dot);
        return;
    }
  }

  private scoped(fn: () => void): void {
    const mark = this.vars.length;
    try {
      fn();
    } finally {
      this.vars.length = mark;
    }
  }

  private conditional(n: Branch<"if"> | Branch<"with">, dot: Value): void {
    this.scoped(() => {
      const v = this.pipeline(n.pipe, dot);
      if (truth(v)) this.walkList(n.list, n.kind === "with" ? v : dot);
      else if (n.elseList) this.walkList(n.elseList, dot);
    });
  }

  private range(n: Branch<"range">, dot: Value): void {
    this.scoped(() => {
      const v = this.pipeline(n.pipe, dot, false);
      let entries: [Value, Value][];
      if (Array.isArray(v)) entries = v.map((e, i) => [i, e]);
      else if (isObject(v)) entries = sortedEntries(v);
      else if (v === undefined || v === null) entries = [];
      else throw this.failAt(n.pipe.pos, {}, `range can't iterate over ${printValue(v)}`);
      if (entries.length === 0) {
        if (n.elseList) this.walkList(n.elseList, dot);
        return;
      }
      const [first, second] = n.pipe.decl;
      for (const [k, e] of entries) {
        this.scoped(() => {
          if (second !== undefined) this.vars.push({ name: first as string, value: k }, { name: second, value: e });
          else if (first !== undefined) this.vars.push({ name: first, value: e });
          this.walkList(n.list, e);
        });
      }
    });
  }

  /** A pipeline's value; with `declare` its variables are set (range sets them per element instead). */
  private pipeline(p: Pipeline, dot: Value, declare = true): Value {
    let v: Value;
    let piped = false;
    for (const cmd of p.cmds) {
      v = this.command(cmd, dot, piped, v);
      piped = true;
    }
    if (declare && p.decl.length > 0) {
      const name = p.decl[0] as string;
      if (p.assign) {
        const target = [...this.vars].reverse().find((x) => x.name === name);
        if (target) target.value = v;
      } else {
        this.vars.push({ name, value: v });
      }
    }
    return v;
  }

  private command(cmd: Command, dot: Value, piped: boolean, final: Value): Value {
    const [head, ...rest] = cmd.args as [Operand, ...Operand[]];
    if (head.term.kind === "function") {
      const name = head.term.name;
      const fn = this.functions[name] as TemplateFunction;
      const args = rest.map((a) => this.operand(a, dot));
      if (piped) args.push(final);
      try {
        return fn(args);
      } catch (e) {
        const msg = (e as Error).message;
        throw this.failAt(
          head.pos,
          head,
          msg.startsWith("error calling") || msg.startsWith("wrong number") ? msg : `error calling ${name}: ${msg}`,
        );
      }
    }
    if (rest.length > 0 || piped) throw this.failAt(head.pos, head, `can't give argument to non-function ${head.text}`);
    return this.operand(head, dot);
  }

  private operand(op: Operand, dot: Value): Value {
    let v: Value;
    const t = op.term;
    if (t.kind === "dot") v = dot;
    else if (t.kind === "variable") v = [...this.vars].reverse().find((x) => x.name === t.name)?.value;
    else if (t.kind === "literal") v = t.value;
    else if (t.kind === "pipeline") v = this.pipeline(t.pipe, dot);
    else return this.command({ args: [op], pos: op.pos }, dot, false, undefined);
    for (const f of op.fields) v = this.field(v, f, op);
    return v;
  }

  private field(receiver: Value, name: string, op: Operand): Value {
    if (isObject(receiver)) return receiver[name];
    if (receiver === undefined || receiver === null) {
      throw this.failAt(op.pos, op, `nil pointer evaluating interface {}.${name}`);
    }
    throw this.failAt(op.pos, op, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private failAt(pos: number, node: { text?: string }, message: string): TemplateError {
    const { line, col } = position(this.src, pos);
    const at = node.text === undefined ? "" : ` at <${node.text}>`;
    return new TemplateError(`template: :${line}:${col}: executing ""${at}: ${message}`);
  }
}

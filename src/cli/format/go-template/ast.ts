/** The parse tree of a template: the subset of Go's text/template/parse nodes docker users reach. */

export type Term =
  | { kind: "dot" }
  | { kind: "variable"; name: string }
  | { kind: "function"; name: string }
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "pipeline"; pipe: Pipeline };

/** A term and the fields read off it: `.A.B` is dot with ["A", "B"], `$x.A` a variable with ["A"]. */
export interface Operand {
  term: Term;
  fields: string[];
  /** Its source text, for "executing … at <.A.B>". */
  text: string;
  pos: number;
}

export interface Command {
  args: Operand[];
  pos: number;
}

export interface Pipeline {
  /** Variables the pipeline declares (`$x :=`) or assigns (`$x =`). */
  decl: string[];
  assign: boolean;
  cmds: Command[];
  pos: number;
}

export type TemplateNode =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipeline }
  | Branch<"if">
  | Branch<"with">
  | Branch<"range">;

/** `{{if}}`, `{{with}}` and `{{range}}`: a pipeline, a body and an optional `{{else}}` body. */
export interface Branch<K extends "if" | "with" | "range"> {
  kind: K;
  pipe: Pipeline;
  list: TemplateNode[];
  elseList: TemplateNode[] | undefined;
}

import type { TemplateNode } from "./ast.ts";
import { executeTemplate } from "./execute.ts";
import { headerFunctions, templateFunctions } from "./functions.ts";
import { parseTemplate } from "./parser.ts";
import type { Value } from "./values.ts";

export { TemplateError } from "./errors.ts";

/**
 * A parsed Go text/template with docker's functions (json, split, join,
 * title, lower, upper, pad, truncate). Parsing throws a TemplateError worded
 * as Go's; so does executing.
 */
export class GoTemplate {
  private readonly nodes: TemplateNode[];

  constructor(private readonly source: string) {
    this.nodes = parseTemplate(source, new Set(Object.keys(templateFunctions)));
  }

  execute(data: Value): string {
    return executeTemplate(this.source, this.nodes, data, templateFunctions);
  }

  /** A table's header row: the template over the column names, docker's HeaderFunctions. */
  executeHeader(columns: Record<string, string>): string {
    return executeTemplate(this.source, this.nodes, columns, headerFunctions);
  }
}

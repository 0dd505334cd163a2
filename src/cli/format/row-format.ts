import { GoTemplate, TemplateError } from "./go-template/index.ts";
import { tabwrite } from "./table.ts";

/**
 * docker/cli's formatter.Context for lists: `--format` is a Go template run
 * once per row, each row ending in a newline. A `table` prefix adds a header
 * row (the same template over the column names) and aligns the tab-separated
 * columns as docker's tabwriter does. `\t` and `\n` typed literally in the
 * format are the characters.
 */
export interface RowFormat {
  table: boolean;
  template: GoTemplate;
}

/** Throws TemplateError ("template parsing error: …") for a template Go would refuse. */
export function parseRowFormat(format: string): RowFormat {
  const table = format.startsWith("table");
  const body = (table ? format.slice("table".length) : format)
    .replace(/^ +| +$/g, "")
    .replaceAll("\\t", "\t")
    .replaceAll("\\n", "\n");
  try {
    return { table, template: new GoTemplate(body) };
  } catch (e) {
    throw e instanceof TemplateError ? new TemplateError(`template parsing error: ${e.message}`) : e;
  }
}

/** The rows as the format prints them; an execution failure is a TemplateError, and nothing is printed. */
export function formatRows(f: RowFormat, rows: readonly unknown[], columns: Record<string, string>): string {
  let body = "";
  for (const row of rows) {
    try {
      body += `${f.template.execute(row)}\n`;
    } catch (e) {
      throw e instanceof TemplateError ? new TemplateError(`template parsing error: ${e.message}`) : e;
    }
  }
  if (!f.table) return body;
  let header = "";
  try {
    header = f.template.executeHeader(columns);
  } catch {
    // docker ignores a header that fails to render (a field no column is named after).
  }
  const lines = `${header}\n${body}`.split("\n").slice(0, -1);
  return `${tabwrite(lines.map((l) => l.split("\t")))}\n`;
}

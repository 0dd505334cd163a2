import { GoTemplate, TemplateError } from "./go-template/index.ts";

/**
 * docker/cli's inspect.Inspect: each reference is looked up in turn; with no
 * format the found objects print as one indented JSON array (`[]` when none
 * was found), with a Go template each prints its line (an empty line when
 * none). The lookups that failed are returned, in order, for the caller to
 * report after the output.
 */
export interface InspectOutcome {
  stdout: string;
  errors: string[];
}

/** Throws TemplateError "template parsing error: …" when the format does not parse (docker: exit status 64). */
export function inspectTemplate(format: string): GoTemplate | undefined {
  if (format === "") return undefined;
  try {
    return new GoTemplate(format);
  } catch (e) {
    throw e instanceof TemplateError ? new TemplateError(`template parsing error: ${e.message}`) : e;
  }
}

export async function inspectEach(
  refs: readonly string[],
  template: GoTemplate | undefined,
  lookup: (ref: string) => Promise<unknown>,
  errorText: (ref: string, e: unknown) => string,
): Promise<InspectOutcome> {
  const found: unknown[] = [];
  const errors: string[] = [];
  let lines = "";
  for (const ref of refs) {
    let element: unknown;
    try {
      element = await lookup(ref);
    } catch (e) {
      errors.push(errorText(ref, e));
      continue;
    }
    if (!template) {
      found.push(element);
      continue;
    }
    try {
      lines += `${template.execute(element)}\n`;
    } catch (e) {
      errors.push(`template parsing error: ${(e as Error).message}`);
    }
  }
  if (template) return { stdout: lines === "" ? "\n" : lines, errors };
  return { stdout: found.length === 0 ? "[]\n" : `${JSON.stringify(found, null, 4)}\n`, errors };
}

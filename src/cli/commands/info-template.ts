import type { SwarmInfo } from "../../bus/daemon-contract.ts";
import { StatusError } from "../errors/status-error.ts";
import { GoTemplate, TemplateError } from "../format/go-template/index.ts";

/** Parses `info --format` as docker/cli does: a template that does not parse exits 64. */
export function parseInfoTemplate(format: string): GoTemplate {
  try {
    return new GoTemplate(format);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(`template parsing error: ${e.message}`, 64);
    throw e;
  }
}

/**
 * docker info's template runs over the whole types.Info; swarmbus has its
 * Swarm part, so `.Swarm` is the one field there. What the template printed
 * before failing is still printed, then a newline, as docker does.
 */
export function runInfoTemplate(template: GoTemplate, info: SwarmInfo): void {
  try {
    process.stdout.write(`${template.execute({ Swarm: info })}\n`);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    process.stdout.write("\n");
    throw new StatusError(e.message);
  }
}

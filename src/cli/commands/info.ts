import { Command, Option } from "@commander-js/extra-typings";
import { globals, withDaemon } from "../context.ts";
import { formatSwarmInfo, formatWarnings } from "../format/info.ts";
import { parseInfoTemplate, runInfoTemplate } from "./info-template.ts";

export function infoCommand() {
  return new Command("info")
    .description("Display the Swarm section of system-wide information, as docker info")
    .addOption(
      new Option("-f, --format <format>", 'a Go template (docker\'s), or "json" for the Swarm section as JSON').default(
        "text",
      ),
    )
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      const template = ["", "text", "json"].includes(opts.format) ? undefined : parseInfoTemplate(opts.format);
      const info = await withDaemon(g, (call) => call("info", {}));
      if (template) {
        runInfoTemplate(template, info);
        return;
      }
      if (opts.format === "json") {
        process.stdout.write(`${JSON.stringify(info, null, 4)}\n`);
        return;
      }
      process.stdout.write(`${formatSwarmInfo(info)}\n`);
      const warnings = formatWarnings(info);
      if (warnings) process.stderr.write(`\n${warnings}\n`);
    });
}

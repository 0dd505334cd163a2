import { Command, Option } from "@commander-js/extra-typings";
import type { InspectorRelay } from "../../inspect/stately/relay.ts";

export function scenarioCommand() {
  const scenario = new Command("scenario").description("Scripted swarms: start, crash, cut, promote… and assert");
  scenario
    .command("run")
    .description("Run a scenario file (YAML) against a local swarm it starts itself; exit 1 on a failed step")
    .argument("<file>", "the scenario (see scenarios/ and the README's Scenarios section)")
    .option("--verbose", "also show every heartbeat of every session in the timeline")
    .option("--keep", "keep the state dir (daemon state and logs) and print its path")
    .addOption(
      new Option("--profile <profile>", "override the file's timing profile").choices(["fast", "swarm"] as const),
    )
    .option(
      "--inspect [url]",
      "stream every daemon's actors to Stately's inspector (a relay started here, or this ws:// one)",
    )
    .action(async (file, opts) => {
      // A bad file or URL is reported before anything starts, as the CLI reports any error.
      const { parseInspectUrl } = await import("../../inspect/stately/inspect-url.ts");
      const given = typeof opts.inspect === "string" ? parseInspectUrl(opts.inspect) : undefined;
      // Loaded here, not at the top: every other command starts without the scenario runner's modules.
      const { loadScenario } = await import("../../scenario/load.ts");
      const { runScenario } = await import("../../scenario/runner.ts");
      const parsed = await loadScenario(file);
      let relay: InspectorRelay | undefined;
      if (opts.inspect === true) {
        const { startInspectorRelay } = await import("../../inspect/stately/relay.ts");
        relay = await startInspectorRelay();
        process.stdout.write(`Stately inspector: open ${relay.viewerUrl}\n`);
      }
      const inspect = relay?.url ?? given;
      const abort = new AbortController();
      const onSignal = () => abort.abort(new Error("interrupted"));
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        const r = await runScenario(opts.profile ? { ...parsed, profile: opts.profile } : parsed, {
          write: (line) => process.stdout.write(`${line}\n`),
          keep: opts.keep === true,
          verbose: opts.verbose === true,
          signal: abort.signal,
          ...(inspect ? { inspect } : {}),
        });
        process.exitCode = r.ok ? 0 : r.interrupted ? 130 : 1;
      } finally {
        await relay?.stop();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
  return scenario;
}

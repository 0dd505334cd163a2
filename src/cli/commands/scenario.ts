import { Command, Option } from "@commander-js/extra-typings";
import { loadScenario } from "../../scenario/load.ts";
import { runScenario } from "../../scenario/runner.ts";

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
    .action(async (file, opts) => {
      // A bad file is reported before anything starts, as the CLI reports any error.
      const parsed = await loadScenario(file);
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
        });
        process.exitCode = r.ok ? 0 : r.interrupted ? 130 : 1;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
  return scenario;
}

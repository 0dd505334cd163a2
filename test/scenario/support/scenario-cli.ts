import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliCommand } from "../../../src/process/cli-command.ts";

export const scenariosDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "scenarios");

export interface ScenarioRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `swarmbus scenario run FILE` as a real process, as a user runs it; killed after `timeoutMs`. */
export function runScenarioCli(file: string, extra: string[] = [], timeoutMs = 120_000): Promise<ScenarioRun> {
  return new Promise((resolve, reject) => {
    const cli = cliCommand();
    const child = spawn(cli.command, [...cli.args, "scenario", "run", file, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The scenario's report, for an assertion message: the last lines of its timeline and stderr. */
export const tail = (r: ScenarioRun, n = 40) => `${r.stdout.split("\n").slice(-n).join("\n")}\n${r.stderr}`;

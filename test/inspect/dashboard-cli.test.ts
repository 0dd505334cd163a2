import { type ChildProcess, spawn } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { busArgs, cliCommand } from "../../src/process/cli-command.ts";
import { onTeardown } from "../support/fixture.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

const swarm = useSwarm(test);
let child: ChildProcess | undefined;

onTeardown(test, async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGKILL");
    await new Promise((r) => child?.once("exit", r));
  }
});

test("`swarmbus dashboard --port 0` prints its URL, serves the API, and stops on SIGTERM", async () => {
  const cli = cliCommand();
  const proc = spawn(cli.command, [...cli.args, ...busArgs(swarm.nats), "dashboard", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d) => {
    stdout += d;
  });
  proc.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const url = await waitFor(() => /swarmbus dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1], {
    timeoutMs: 30_000,
    what: `the dashboard's URL on stdout (stderr: ${stderr})`,
    intervalMs: 50,
  });
  const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as { daemons: unknown[]; actors: unknown[] };
  assert.equal(snapshot.daemons, []);
  assert.equal(snapshot.actors, []);
  proc.kill("SIGTERM");
  assert.is(await exited, 0, stderr);
});

test("a bad --port is refused with a clear message", async () => {
  const r = await swarm.cli(undefined, "dashboard", "--port", "http");
  assert.is(r.code, 1);
  assert.is(r.stderr, 'Error response from daemon: invalid --port "http": expected a number from 0 to 65535\n');
});

test.run();

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cliCommand } from "../../src/process/cli-command.ts";
import { useNatsServer } from "../support/nats-server.ts";

const run = promisify(execFile);
const nats = useNatsServer(test);

async function swarmbus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = cliCommand();
  try {
    const r = await run(cli.command, [...cli.args, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test("--nats with a bad item: the CLI names it and why, and connects nowhere", async () => {
  const r = await swarmbus(["--nats", `${nats.url},http://x:4222`, "--node", "m1", "info"]);
  assert.is(r.code, 125);
  assert.is(
    r.stderr,
    `invalid argument "${nats.url},http://x:4222" for "--nats" flag: invalid NATS server "http://x:4222": scheme http:// is not nats:// or tls://\nSee 'swarmbus --help'.\n`,
  );
});

test("--nats with a list whose first server is down: the command reaches the bus through the next", async () => {
  const r = await swarmbus([
    "--nats",
    `nats://127.0.0.1:1,${nats.url}`,
    "--nats-creds",
    nats.creds,
    "--node",
    "m1",
    "info",
  ]);
  // No daemon m1 on this bus: the answer comes from the server the list led to.
  assert.is(
    r.stderr,
    `Error response from daemon: Cannot connect to the swarmbus daemon "m1" on ${nats.url}. Is the daemon running?\n`,
  );
});

test.run();

import { spawn } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { busArgs, cliCommand } from "../../src/process/cli-command.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

const swarm = useSwarm(test);

/** `swarmbus events …` as a user runs it, collecting its stdout lines. */
function tail(...args: string[]) {
  const cli = cliCommand();
  const child = spawn(cli.command, [...cli.args, ...busArgs(swarm.nats), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buf = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdout.on("data", (d) => {
    buf += d;
    const parts = buf.split("\n");
    buf = parts.pop() ?? "";
    lines.push(...parts);
  });
  return {
    lines,
    watching: () =>
      waitFor(() => stderr.includes("swarmbus events: watching"), { timeoutMs: 10_000, what: "events to subscribe" }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

test("events --node shows one node's transitions as they happen, readable and as JSON", async () => {
  await swarm.daemon("m1");
  await swarm.daemon("other");
  const text = tail("--node", "m1", "events");
  const json = tail("--node", "m1", "events", "--actor", "clusterState", "--format", "json");
  await text.watching();
  await json.watching();
  const port = await freePort();
  assert.is((await swarm.cli("m1", "swarm", "init", "--listen-addr", `127.0.0.1:${port}`)).code, 0);
  await swarm.cli("other", "swarm", "init", "--listen-addr", `127.0.0.1:${await freePort()}`);
  const active = await waitFor(() => json.lines.map((l) => JSON.parse(l)).find((e) => e.state === "active"), {
    timeoutMs: 10_000,
    what: "clusterState → active on the JSON stream",
  });
  assert.is(active.node, "m1");
  assert.is(active.actor, "clusterState");
  assert.ok(json.lines.every((l) => JSON.parse(l).actor === "clusterState"));
  const line = await waitFor(() => text.lines.find((l) => / m1 +clusterState +\S+ → active /.test(l)), {
    timeoutMs: 10_000,
    what: "a readable clusterState → active line",
  });
  assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z {2}m1 /);
  assert.ok(
    text.lines.every((l) => / m1 /.test(l)),
    "only m1's transitions",
  );
  await text.stop();
  await json.stop();
});

test.run();

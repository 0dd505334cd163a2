import { spawn } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { busArgs, cliCommand } from "../../src/process/cli-command.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * The service commands against a real one-manager swarm: what each prints
 * and exits with, as docker's. The tasks' own story (placement, restarts,
 * nodes lost) is in services.test.ts and services-failover.test.ts.
 */
const swarm = useSwarm(test);
test.before(async () => {
  await swarm.initManager("m1", await freePort());
});

test("service create -d prints the ID; ls, inspect and ps show the service; rm echoes the name", async () => {
  const c = await swarm.cli(
    "m1",
    "service",
    "create",
    "-d",
    "--name",
    "web",
    "--replicas",
    "3",
    "--limit-memory",
    "4MiB",
    "--entrypoint",
    "/bin/sh",
    "--placement-pref",
    "spread=node.labels.zone",
    "sleep",
    "-c",
    "sleep 60",
  );
  assert.is(c.code, 0, c.stderr);
  const id = c.stdout.trim();
  assert.match(id, /^[a-z0-9]{25}$/);

  // -d returns at once: the tasks start meanwhile, and `service ls` counts them up to 3/3.
  const ls = await waitFor(
    async () => {
      const r = await swarm.cli("m1", "service", "ls");
      return r.stdout.includes(" 3/3 ") && r;
    },
    { timeoutMs: 30_000, what: "service ls to show 3/3" },
  );
  const [header, row] = ls.stdout.trimEnd().split("\n");
  assert.match(header ?? "", /^ID\s+NAME\s+MODE\s+REPLICAS\s+IMAGE\s+PORTS$/);
  assert.match(row ?? "", new RegExp(`^${id.slice(0, 12)}\\s+web\\s+replicated\\s+3/3\\s+sleep$`));
  assert.is((await swarm.cli("m1", "service", "ls", "-q")).stdout, `${id.slice(0, 12)}\n`);

  const [svc] = await swarm.json<{ ID: string; Spec: { TaskTemplate: { ContainerSpec: unknown } } }[]>(
    "m1",
    "service",
    "inspect",
    "web",
  );
  assert.is(svc?.ID, id);
  assert.equal(svc?.Spec.TaskTemplate.ContainerSpec, {
    Image: "sleep",
    Command: ["/bin/sh"],
    Args: ["-c", "sleep 60"],
  });
  const pretty = await swarm.cli("m1", "service", "inspect", "--pretty", "web");
  assert.ok(pretty.stdout.includes("Service Mode:\tReplicated\n Replicas:\t3\n"), pretty.stdout);
  assert.ok(pretty.stdout.includes("\n Preferences:   [spread=node.labels.zone]\n"), pretty.stdout);

  const ps = await swarm.cli("m1", "service", "ps", "web");
  assert.is(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /^ID\s+NAME\s+IMAGE\s+NODE\s+DESIRED STATE\s+CURRENT STATE\s+ERROR\s+PORTS\n/);

  const scaled = await swarm.cli("m1", "service", "scale", "-d", "web=5");
  assert.is(scaled.code, 0, scaled.stderr);
  assert.is(scaled.stdout, "web scaled to 5\n");
  assert.match((await swarm.cli("m1", "service", "ls")).stdout, /web\s+replicated\s+\d\/5/);

  const up = await swarm.cli(
    "m1",
    "service",
    "update",
    "-d",
    "--image",
    "sleep2",
    "--env-add",
    "A=1",
    "--force",
    "web",
  );
  assert.is(up.code, 0, up.stderr);
  assert.is(up.stdout, "web\n");
  const [after] = await swarm.json<
    { Spec: { TaskTemplate: { ContainerSpec: { Image: string; Env?: string[] }; ForceUpdate?: number } } }[]
  >("m1", "service", "inspect", "web");
  assert.is(after?.Spec.TaskTemplate.ContainerSpec.Image, "sleep2");
  assert.equal(after?.Spec.TaskTemplate.ContainerSpec.Env, ["A=1"]);
  assert.is(after?.Spec.TaskTemplate.ForceUpdate, 1);

  const rm = await swarm.cli("m1", "service", "rm", "web");
  assert.is(rm.code, 0, rm.stderr);
  assert.is(rm.stdout, "web\n");
  assert.is((await swarm.cli("m1", "service", "ls", "-q")).stdout, "");
});

test("unknown services: docker's texts and exit status 1", async () => {
  const ps = await swarm.cli("m1", "service", "ps", "nosuch");
  assert.is(ps.code, 1);
  assert.is(ps.stderr, "no such service: nosuch\n");
  const insp = await swarm.cli("m1", "service", "inspect", "nosuch");
  assert.is(insp.code, 1);
  assert.is(insp.stdout, "[]\n");
  assert.is(insp.stderr, "Status: no such service: nosuch, Code: 1\n");
  const rm = await swarm.cli("m1", "service", "rm", "nosuch");
  assert.is(rm.code, 1);
  assert.is(rm.stderr, "Error response from daemon: service nosuch not found\n");
});

test("a bad flag value is docker's flag error with exit status 125, and nothing is created", async () => {
  const r = await swarm.cli("m1", "service", "create", "--replicas", "three", "sleep");
  assert.is(r.code, 125);
  assert.is(
    r.stderr,
    `invalid argument "three" for "--replicas" flag: strconv.ParseUint: parsing "three": invalid syntax\nSee 'swarmbus service create --help'.\n`,
  );
  assert.is((await swarm.cli("m1", "service", "ls", "-q")).stdout, "");
});

test("service create without -d: the converge display on a pipe; Ctrl-C leaves it running in the background, status 0", async () => {
  const cli = cliCommand();
  const child = spawn(
    cli.command,
    [...cli.args, ...busArgs(swarm.nats), "--node", "m1", "service", "create", "--name", "bg", "sleep"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  try {
    await waitFor(() => stdout.includes("overall progress: 0 out of 1 tasks\n"), {
      timeoutMs: 20_000,
      what: `the progress display (stdout so far: ${JSON.stringify(stdout)}, stderr: ${JSON.stringify(stderr)})`,
    });
    child.kill("SIGINT");
    assert.is(await exited, 0, stderr);
  } finally {
    child.kill("SIGKILL");
  }
  const id = stdout.split("\n")[0] ?? "";
  assert.match(id, /^[a-z0-9]{25}$/);
  assert.ok(
    stdout.endsWith(`Operation continuing in background.\nUse \`swarmbus service ps ${id}\` to check progress.\n`),
    stdout,
  );
  assert.is(
    stdout.split("overall progress: 0 out of 1 tasks").length,
    2,
    "a pipe gets each line once, not every 200 ms",
  );
  assert.is((await swarm.cli("m1", "service", "rm", "bg")).code, 0);
});

test("service create without -d waits for the tasks to run and prints docker's converge display", async () => {
  const r = await swarm.cli(
    "m1",
    "service",
    "create",
    "--name",
    "conv",
    "--replicas",
    "2",
    "--update-monitor",
    "300ms",
    "sleep",
    "60",
  );
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^[a-z0-9]{25}$/);
  assert.ok(lines.includes("overall progress: 2 out of 2 tasks"), r.stdout);
  assert.ok(lines.includes("1/2: running"), r.stdout);
  assert.is(lines.at(-1), "verify: Service converged");
  assert.is((await swarm.cli("m1", "service", "rm", "conv")).code, 0);
});

test("a service no node can take: create stops waiting with the scheduler's whole reason, and the service stays", async () => {
  const r = await swarm.cli(
    "m1",
    "service",
    "create",
    "--name",
    "nowhere",
    "--constraint",
    "node.labels.gpu==yes",
    "sleep",
    "60",
  );
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stderr, /no suitable node \(scheduling constraints not satisfied on 1 node\)/);
  assert.match((await swarm.cli("m1", "service", "ls")).stdout, /nowhere\s+replicated\s+0\/1/);
  assert.is((await swarm.cli("m1", "service", "rm", "nowhere")).code, 0);
});

test("node ps: the task table for this node", async () => {
  const r = await swarm.cli("m1", "node", "ps");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ID\s+NAME\s+IMAGE\s+NODE\s+DESIRED STATE\s+CURRENT STATE\s+ERROR\s+PORTS\n/);
});

test.run();

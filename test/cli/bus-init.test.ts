import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { decode } from "@nats-io/jwt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { natsServerBinary } from "../../src/bus/nats-server.ts";
import { cliCommand } from "../../src/process/cli-command.ts";
import { useNatsServer } from "../support/nats-server.ts";
import { useTempDir } from "../support/temp-dir.ts";

const run = promisify(execFile);
const dir = useTempDir(test, "swarmbus-bus-init-");
const nats = useNatsServer(test);

/** `swarmbus ARGS…` as a user runs it; resolves with the exit code and outputs. */
async function swarmbus(args: string[], env: Record<string, string> = {}) {
  const cli = cliCommand();
  try {
    const r = await run(cli.command, [...cli.args, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const f = e as { code: number; stdout: string; stderr: string };
    return { code: f.code, stdout: f.stdout, stderr: f.stderr };
  }
}

test("swarmbus bus init writes the trust root private to its owner, and a config nats-server accepts", async () => {
  const bus = join(dir, "bus");
  const r = await swarmbus(["bus", "init", "--dir", bus]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `nats-server -c ${join(bus, "nats-server.conf")}`);
  assert.is(statSync(bus).mode & 0o777, 0o700);
  const files = readdirSync(bus).sort();
  for (const f of ["admin.creds", "auth.conf", "nats-server.conf", "operator.jwt", "operator.nk"]) {
    assert.ok(files.includes(f), `${f} in ${files}`);
  }
  for (const f of files) assert.is(statSync(join(bus, f)).mode & 0o777, 0o600, f);
  const check = await run(natsServerBinary(), ["-t", "-c", join(bus, "nats-server.conf")]);
  assert.match(check.stdout + check.stderr, "is valid");
});

test("swarmbus bus creds NAME writes one daemon's credentials, private, granting its own subjects only", async () => {
  const bus = join(dir, "creds");
  assert.is((await swarmbus(["bus", "init", "--dir", bus])).code, 0);
  const r = await swarmbus(["bus", "creds", "w1", "--dir", bus]);
  assert.is(r.code, 0, r.stderr);
  const path = r.stdout.trim();
  assert.is(path, join(bus, "daemons", "w1.creds"));
  assert.is(statSync(join(bus, "daemons")).mode & 0o777, 0o700);
  assert.is(statSync(path).mode & 0o777, 0o600);
  const jwt = /-----BEGIN NATS USER JWT-----\n(.+)\n/.exec(readFileSync(path, "utf8"))?.[1] ?? "";
  const claims = decode<{ pub?: { allow?: string[] }; sub?: { allow?: string[] } }>(jwt).nats;
  const subs = claims.sub?.allow ?? [];
  assert.equal(claims.pub?.allow, ["swarmbus.events.w1.*"]);
  assert.ok(subs.includes("swarmbus.daemon.w1.>"), String(subs));
  assert.ok(!subs.some((s) => s.includes("cluster")), String(subs));
  const bad = await swarmbus(["bus", "creds", "w.1", "--dir", bus]);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'invalid daemon name "w.1"');
});

test("bus init refuses to replace a trust root unless --force", async () => {
  const bus = join(dir, "again");
  assert.is((await swarmbus(["bus", "init", "--dir", bus])).code, 0);
  const r = await swarmbus(["bus", "init", "--dir", bus]);
  assert.is(r.code, 1);
  assert.match(r.stderr, "already holds a bus trust root; pass --force to replace it");
  assert.is((await swarmbus(["bus", "init", "--dir", bus, "--force"])).code, 0);
});

test("the CLI without credentials says the bus refused it and how to give them", async () => {
  const r = await swarmbus(["--nats", nats.url, "--nats-ca", nats.handle.ca ?? "", "--node", "m1", "info"], {
    SWARMBUS_NATS_CREDS: "",
  });
  assert.is(r.code, 1);
  assert.match(r.stderr, `the NATS server at ${nats.url} refused a client without credentials`);
  assert.match(r.stderr, /Authorization Violation/);
});

test.run();

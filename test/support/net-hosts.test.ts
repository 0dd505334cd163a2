import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NetHosts, netHostsUnavailable } from "./net-hosts/index.ts";
import { namespacesOf } from "./net-hosts/netns.ts";
import { waitFor } from "./wait-for.ts";

/** The harness itself: what it makes is gone after a signal or a SIGKILL, and its faults do what they say. */
const unavailable = netHostsUnavailable();
if (unavailable) process.stdout.write(`\nSKIPPED test/support/net-hosts.test.ts: ${unavailable}\n`);
const hostsTest = (name: string, fn: () => Promise<void>) => (unavailable ? test.skip(name) : test(name, fn));

/** A process running test/support/net-hosts/run-hosts.ts, once it has made its hosts. */
async function childWithHosts(): Promise<{ pid: number; prefix: string; dir: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "net-hosts", "run-hosts.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const m = await waitFor(() => /^ready (\S+) (\S+)$/m.exec(out), { timeoutMs: 30_000, what: "the child's hosts" });
  return { pid: child.pid ?? -1, prefix: m[1] ?? "", dir: m[2] ?? "", exited };
}

for (const sig of ["SIGTERM", "SIGINT"] as const) {
  hostsTest(`${sig}: the namespaces, servers and dir of the run are gone`, async () => {
    const c = await childWithHosts();
    assert.is(namespacesOf(c.prefix).length, 3, "bridge + 2 hosts");
    process.kill(c.pid, sig);
    await c.exited;
    assert.equal(namespacesOf(c.prefix), []);
    assert.not.ok(existsSync(c.dir), c.dir);
  });
}

hostsTest("SIGKILL leaves them; the next run sweeps them, dir included", async () => {
  const c = await childWithHosts();
  process.kill(c.pid, "SIGKILL");
  await c.exited;
  assert.is(namespacesOf(c.prefix).length, 3);
  const hosts = await NetHosts.start({ count: 1 });
  try {
    assert.equal(namespacesOf(c.prefix), []);
    assert.not.ok(existsSync(c.dir), c.dir);
  } finally {
    await hosts.stop();
  }
});

hostsTest("faults: cut, one direction, loss, and delay refused with the reason", async () => {
  const hosts = await NetHosts.start({ count: 2 });
  try {
    assert.ok(await hosts.reaches("h1", "h2"));
    hosts.cut("h2");
    assert.not.ok(await hosts.reaches("h1", "h2"));
    hosts.heal("h2");
    await waitFor(() => hosts.reaches("h1", "h2"), { timeoutMs: 10_000, what: "h2 reachable after heal" });
    hosts.dropOneWay("h2", "in", "h1");
    assert.not.ok(await hosts.reaches("h1", "h2"), "h1 → h2 dropped");
    hosts.heal("h2");
    hosts.loss("h1", 100);
    assert.not.ok(await hosts.reaches("h1", "h2"), "100 % loss");
    hosts.heal("h1");
    // 50 %: of 20 tries (each a TCP handshake and an INFO, several packets each way), some fail.
    hosts.loss("h1", 50);
    const tries = await Promise.all(Array.from({ length: 20 }, () => hosts.reaches("h1", "h2", 1000)));
    assert.ok(tries.includes(false), "some lost at 50 %");
    hosts.heal("h1");
    assert.ok(await hosts.reaches("h1", "h2"));
    assert.throws(() => hosts.delay("h1", 100), /delay is not available on this kernel: it has no netem qdisc/);
  } finally {
    await hosts.stop();
  }
});

test.run();

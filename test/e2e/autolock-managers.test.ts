import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Autolock covers every manager and no worker: a manager that joins a locked
 * swarm encrypts its own key under the swarm's unlock key, a worker's stays in
 * clear, and a manager demoted to a worker stops being locked.
 */
const swarm = useSwarm(test);

const keyFile = (name: string) => join(swarm.dir, name, "swarm", "certificates", "swarm-node.key");
const encrypted = (name: string) => readFileSync(keyFile(name)).includes("BEGIN ENCRYPTED PRIVATE KEY");

async function localState(name: string): Promise<string> {
  return (await swarm.json<{ Swarm: { LocalNodeState: string } }>(name, "info", "--format", "{{json .}}")).Swarm
    .LocalNodeState;
}

async function restart(name: string): Promise<void> {
  await swarm.daemons.get(name)?.stop(3000);
  await swarm.daemon(name);
}

test("a manager joining a locked swarm locks too, a worker never does, and a demoted manager is unlocked", async () => {
  const port = await freePort();
  await swarm.daemon("m1", { listenPort: port });
  assert.is((await swarm.cli("m1", "swarm", "init", "--autolock", "--listen-addr", `127.0.0.1:${port}`)).code, 0);
  const key = (await swarm.cli("m1", "swarm", "unlock-key", "-q")).stdout.trim();
  const addr = `127.0.0.1:${port}`;
  const managerToken = (await swarm.cli("m1", "swarm", "join-token", "-q", "manager")).stdout.trim();
  const workerToken = (await swarm.cli("m1", "swarm", "join-token", "-q", "worker")).stdout.trim();
  await swarm.daemon("m2");
  const m2 = await swarm.cli(
    "m2",
    "swarm",
    "join",
    "--token",
    managerToken,
    addr,
    "--listen-addr",
    `127.0.0.1:${await freePort()}`,
  );
  assert.is(m2.code, 0, m2.stderr);
  await swarm.joinWorker("w1", workerToken, addr);

  await waitFor(() => encrypted("m2"), { timeoutMs: 15_000, what: "m2's key encrypted under the unlock key" });
  assert.not.ok(encrypted("w1"), "the worker's key is in clear");
  await restart("w1");
  assert.is.not(await localState("w1"), "locked");

  await restart("m2");
  assert.is(await localState("m2"), "locked");
  const r = await swarm.cliWithInput("m2", `${key}\n`, "swarm", "unlock");
  assert.is(r.code, 0, r.stderr);
  assert.is(await localState("m2"), "active");

  const demote = await swarm.write("m1", "node", "demote", "m2");
  assert.is(demote.code, 0, demote.stderr);
  await waitFor(() => !encrypted("m2"), { timeoutMs: 20_000, what: "the demoted m2's key in clear" });
  await restart("m2");
  assert.is.not(await localState("m2"), "locked");
});

test.run();

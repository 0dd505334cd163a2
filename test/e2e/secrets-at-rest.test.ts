import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * An operator greps a manager's state dir (a backup, a stolen disk) for the
 * swarm's secrets: the join tokens and the CA's private key live in the Raft
 * store, and the WAL and snapshots are sealed with the manager's DEK, so
 * nothing shows; the restarted manager still reads its store.
 */
const swarm = useSwarm(test);
interface NodeRow {
  Hostname: string;
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));

test("grep finds no join token or CA key in a manager's state dir after init, a join and a restart", async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
  const managerToken = (await swarm.cli("m1", "swarm", "join-token", "-q", "manager")).stdout.trim();
  assert.match(managerToken, /^SWMTKN-1-/);

  await swarm.daemons.get("m1")?.stop(3000);
  await swarm.daemon("m1");
  const nodes = await waitFor(
    async () => {
      const r = await swarm.cli("m1", "node", "ls", "--format", "{{json .}}");
      return r.code === 0 ? r.stdout.trim().split("\n") : undefined;
    },
    { timeoutMs: 20_000, what: "node ls on the restarted m1", intervalMs: 100 },
  );
  assert.equal(nodes.map((l) => (JSON.parse(l) as NodeRow).Hostname).sort(), ["m1", "w1"]);
  assert.is((await swarm.cli("m1", "swarm", "join-token", "-q", "worker")).stdout.trim(), token);
  assert.is((await swarm.cli("m1", "swarm", "join-token", "-q", "manager")).stdout.trim(), managerToken);

  const stateDir = join(swarm.dir, "m1");
  const files = filesUnder(stateDir);
  assert.ok(
    files.some((f) => f.endsWith(".wal")),
    "the manager has a WAL",
  );
  for (const f of files) {
    const bytes = readFileSync(f);
    const rel = relative(stateDir, f);
    assert.not.ok(bytes.includes("SWMTKN"), `${rel} holds a join token in clear`);
    if (rel !== join("swarm", "certificates", "swarm-node.key"))
      assert.not.ok(bytes.includes("PRIVATE KEY"), `${rel} holds a private key in clear`);
  }
});

test.run();

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { lsLeaders, lsRow } from "../support/node-ls.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * `swarm init --force-new-cluster` (SwarmKit's ForceNewCluster): on a node
 * with no swarm it initializes one; on the last manager of a swarm that lost
 * quorum it makes a one-member cluster that keeps the store, survives a
 * restart, and shuts out the old members' Raft IDs; an old manager comes back
 * by leaving (its old state cleared) and joining again.
 */
const ms = useManagerSwarm(test, ["m1", "m2", "m3"]);
const swarm = ms.swarm;
const ids = new Map<string, string>();

async function nodeId(name: string): Promise<string> {
  return (await swarm.json<{ NodeID: string }>(name, "info", "--format", "json")).NodeID;
}

test.before(async () => {
  for (const m of ["m1", "m2", "m3"]) ids.set(m, await nodeId(m));
});

test("with no swarm, init --force-new-cluster initializes a new one", async () => {
  await ms.start("x1");
  const r = await swarm.cli("x1", "swarm", "init", "--force-new-cluster", "--listen-addr", ms.addr("x1"));
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith("Swarm initialized: current node ("), r.stdout);
  const rows = await ms.lsUntil("x1", (x) => x.length === 1, "x1 alone");
  assert.equal(lsLeaders(rows), ["x1"]);
});

test("the last manager after the others stopped: --force-new-cluster → a one-member cluster with the store kept", async () => {
  const drain = await swarm.write("m1", "node", "update", "--availability", "drain", "m2");
  assert.is(drain.stdout, "m2\n", drain.stderr);
  await Promise.all(["m1", "m2"].map((m) => ms.stop(m)));
  await waitFor(async () => (await swarm.cli("m3", "node", "ls")).stderr.includes("does not have a leader"), {
    timeoutMs: 15_000,
    what: "m3 to lose quorum",
    intervalMs: 100,
  });

  const r = await swarm.cli("m3", "swarm", "init", "--force-new-cluster");
  assert.ok(r.stdout.startsWith(`Swarm initialized: current node (${ids.get("m3")}) is now a manager.\n`), r.stderr);
  const rows = await ms.lsUntil("m3", (x) => lsLeaders(x).length === 1, "a leader");
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is(lsRow(rows, "m1")?.manager, "Unreachable");
  assert.is(lsRow(rows, "m2")?.manager, "Unreachable");
  assert.is(lsRow(rows, "m2")?.availability, "Drain");
});

test("the one-member cluster survives a daemon restart", async () => {
  await ms.stop("m3");
  await ms.start("m3");
  const rows = await ms.lsUntil("m3", (x) => lsLeaders(x).length === 1, "a leader after the restart");
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is(lsRow(rows, "m2")?.availability, "Drain");
  const w = await swarm.cli("m3", "node", "update", "--availability", "pause", "m2");
  assert.is(w.stdout, "m2\n", w.stderr);
});

test("an old manager restarted on its old state: its old Raft ID is refused, it comes back as a new member", async () => {
  await ms.start("m1");
  const rows = await ms.lsUntil("m3", (x) => lsRow(x, "m1")?.manager === "Reachable", "m1 Reachable again");
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is(lsRow(rows, "m2")?.availability, "Pause");
  const log = readFileSync(join(swarm.dir, "m1.log"), "utf8");
  assert.ok(log.includes("raft: member was removed from the cluster"), "m1's old Raft ID was refused");
});

test("an old manager with its state cleared: its node removed, it joins again with the manager token", async () => {
  rmSync(join(swarm.dir, "m2"), { recursive: true, force: true });
  const rm = await swarm.cli("m3", "node", "rm", ids.get("m2") as string);
  assert.is(rm.stdout, `${ids.get("m2")}\n`, rm.stderr);
  await ms.join("m2", "m3");
  const rows = await ms.lsUntil(
    "m3",
    (x) => lsRow(x, "m2")?.manager === "Reachable" && lsRow(x, "m1")?.manager === "Reachable",
    "m2 back as a Reachable manager",
  );
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is.not(await nodeId("m2"), ids.get("m2"), "a new node ID");
});

test.run();

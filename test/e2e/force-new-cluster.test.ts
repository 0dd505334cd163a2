import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { lsLeaders, lsRow } from "../support/node-ls.ts";
import { opensslReport } from "../support/openssl.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * `swarm init --force-new-cluster` (SwarmKit's ForceNewCluster): on a node
 * with no swarm it initializes one; on the last manager of a swarm that lost
 * quorum it makes a one-member cluster that keeps the store and survives a
 * restart. Its only manager is the survivor: the old managers are listed with
 * no manager status, and restarted they come back as workers (their old Raft
 * IDs refused), so Docker's recovery steps (leave, rm, update, promote) keep
 * the survivor's quorum.
 */
const ms = useManagerSwarm(test, ["m1", "m2", "m3"]);
const swarm = ms.swarm;
const ids = new Map<string, string>();

interface SwarmInfo {
  NodeID: string;
  LocalNodeState: string;
  ControlAvailable: boolean;
  Managers: number;
}
const info = (name: string) => swarm.json<SwarmInfo>(name, "info", "--format", "json");

test.before(async () => {
  for (const m of ["m1", "m2", "m3"]) ids.set(m, (await info(m)).NodeID);
});

test("with no swarm, init --force-new-cluster initializes a new one", async () => {
  await ms.start("x1");
  const r = await swarm.cli("x1", "swarm", "init", "--force-new-cluster", "--listen-addr", ms.addr("x1"));
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith("Swarm initialized: current node ("), r.stdout);
  const rows = await ms.lsUntil("x1", (x) => x.length === 1, "x1 alone");
  assert.equal(lsLeaders(rows), ["x1"]);
});

test("two managers killed, the survivor forces a new cluster: it is the only manager at once, the store kept", async () => {
  const drain = await swarm.write("m1", "node", "update", "--availability", "drain", "m2");
  assert.is(drain.stdout, "m2\n", drain.stderr);
  await Promise.all(["m1", "m2"].map((m) => ms.kill(m)));
  await waitFor(async () => (await swarm.cli("m3", "node", "ls")).stderr.includes("does not have a leader"), {
    timeoutMs: 15_000,
    what: "m3 to lose quorum",
    intervalMs: 100,
  });

  const r = await swarm.cli("m3", "swarm", "init", "--force-new-cluster");
  assert.ok(r.stdout.startsWith(`Swarm initialized: current node (${ids.get("m3")}) is now a manager.\n`), r.stderr);
  assert.is((await info("m3")).Managers, 1, "info on m3 counts one manager");
  const rows = await ms.lsUntil("m3", (x) => lsLeaders(x).length === 1, "a leader");
  assert.equal(lsLeaders(rows), ["m3"]);
  for (const old of ["m1", "m2"]) {
    // Unknown since the new leader's start, Down once the grace for unknown nodes ran out (SK markNodesUnknown).
    assert.ok(["Unknown", "Down"].includes(lsRow(rows, old)?.status ?? ""), `${old} STATUS`);
    assert.is(lsRow(rows, old)?.manager, "", `${old} MANAGER STATUS`);
  }
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

test("the old managers restarted on their old state come back as workers, their old Raft IDs refused, their certificates reissued as swarm-worker", async () => {
  await Promise.all(["m1", "m2"].map((m) => ms.start(m)));
  const rows = await ms.lsUntil(
    "m3",
    (x) => ["m1", "m2"].every((m) => lsRow(x, m)?.status === "Ready"),
    "m1 and m2 Ready again",
  );
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is(lsRow(rows, "m1")?.manager, "");
  assert.is(lsRow(rows, "m2")?.manager, "");
  assert.is(lsRow(rows, "m2")?.availability, "Pause");
  for (const m of ["m1", "m2"]) {
    const i = await waitFor(
      async () => {
        const x = await info(m);
        return x.LocalNodeState === "active" ? x : undefined;
      },
      { timeoutMs: 15_000, what: `${m} active`, intervalMs: 150 },
    );
    assert.is(i.ControlAvailable, false, `${m} Is Manager`);
    assert.is(i.NodeID, ids.get(m), `${m} keeps its node ID`);
    const log = readFileSync(join(swarm.dir, `${m}.log`), "utf8");
    assert.ok(log.includes("raft: member was removed from the cluster"), `${m}'s old Raft ID was refused`);
    const certDir = join(swarm.dir, m, "swarm", "certificates");
    await waitFor(async () => (await opensslReport(certDir)).subjectIssuer.includes("OU = swarm-worker"), {
      timeoutMs: 15_000,
      what: `${m}'s certificate reissued with OU swarm-worker`,
    });
  }
  assert.is((await info("m3")).Managers, 1);
  await ms.stop("m1");
  await ms.start("m1");
  const again = await waitFor(async () => ((await info("m1")).LocalNodeState === "active" ? info("m1") : undefined), {
    timeoutMs: 15_000,
    what: "m1 active after another restart",
    intervalMs: 150,
  });
  assert.is(again.ControlAvailable, false, "m1 restarted from its worker certificate is no manager");
});

test("Docker's recovery steps keep the survivor's quorum: leave, rm, update, then a manager again", async () => {
  const leave = await swarm.cli("m1", "swarm", "leave", "--force");
  assert.is(leave.code, 0, leave.stderr);
  const rm = await swarm.cli("m3", "node", "rm", "--force", ids.get("m1") as string);
  assert.is(rm.stdout, `${ids.get("m1")}\n`, rm.stderr);
  const update = await swarm.cli("m3", "node", "update", "--availability", "active", "m2");
  assert.is(update.stdout, "m2\n", update.stderr);
  const promote = await swarm.cli("m3", "node", "promote", "m2");
  assert.is(promote.stdout, "Node m2 promoted to a manager in the swarm.\n", promote.stderr);
  rmSync(join(swarm.dir, "m1"), { recursive: true, force: true });
  await ms.join("m1", "m3");
  const rows = await ms.lsUntil(
    "m3",
    (x) => lsRow(x, "m2")?.manager === "Reachable" && lsRow(x, "m1")?.manager === "Reachable",
    "m1 and m2 Reachable managers",
  );
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is((await info("m3")).Managers, 3);
  assert.is.not((await info("m1")).NodeID, ids.get("m1"), "m1 joined with a new node ID");
});

test.run();

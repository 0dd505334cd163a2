import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { type LsRow, lsLeaders, lsRow, oneLeaderAnd } from "../support/node-ls.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Three managers on Raft, as real daemon processes: init + two manager-token
 * joins; SIGKILL the leader; restart every manager; promote and demote a worker.
 */
const managers = ["m1", "m2", "m3"] as const;
const ms = useManagerSwarm(test, managers);
const swarm = ms.swarm;

const oneLeaderTwoReachable = (rows: LsRow[]) =>
  oneLeaderAnd(rows, 2) && managers.every((m) => lsRow(rows, m)?.manager !== "");

test.before(async () => {
  await ms.joinWorker("w1", "m1");
});

test("three managers: node ls on each shows one Leader and two Reachable", async () => {
  for (const m of managers) {
    const rows = await ms.lsUntil(
      m,
      (r) => oneLeaderTwoReachable(r) && lsRow(r, "w1")?.status === "Ready",
      "one Leader, two Reachable, w1 Ready",
    );
    assert.equal(lsLeaders(rows), ["m1"]);
    assert.is(lsRow(rows, "w1")?.manager, "");
  }
});

test("SIGKILL the leader: a new leader, node ls works on a survivor, the killed one is Unreachable, no acknowledged change lost", async () => {
  const drain = await swarm.write("m1", "node", "update", "--availability", "drain", "w1");
  assert.is(drain.stdout, "w1\n", drain.stderr);
  await ms.kill("m1");
  const rows = await ms.lsUntil(
    "m2",
    (r) => {
      const l = lsLeaders(r);
      return l.length === 1 && l[0] !== "m1" && lsRow(r, "m1")?.manager === "Unreachable";
    },
    "a new leader and m1 Unreachable",
  );
  assert.is(lsRow(rows, "w1")?.availability, "Drain");
  const other = lsLeaders(rows)[0] === "m2" ? "m3" : "m2";
  assert.is(lsRow(rows, other)?.manager, "Reachable");
  // The new leader takes writes.
  const leader = lsLeaders(rows)[0] as string;
  const active = await swarm.write(leader, "node", "update", "--availability", "active", "w1");
  assert.is(active.stdout, "w1\n", active.stderr);
  const pause = await swarm.write(leader, "node", "update", "--availability", "pause", "w1");
  assert.is(pause.stdout, "w1\n", pause.stderr);
});

test("restart every manager: every acknowledged change is still there", async () => {
  await ms.start("m1");
  await ms.lsUntil("m1", (r) => oneLeaderTwoReachable(r), "m1 back, one Leader, two Reachable");
  await Promise.all(managers.map((m) => ms.stop(m)));
  for (const m of managers) await ms.start(m);
  for (const m of managers) {
    const rows = await ms.lsUntil(m, (r) => oneLeaderTwoReachable(r), "one Leader, two Reachable after the restart");
    assert.is(lsRow(rows, "w1")?.availability, "Pause");
  }
});

test("promote a worker: it becomes a Reachable manager; demote it: a worker again, its raft data gone", async () => {
  const rows = await ms.lsUntil("m1", (r) => lsLeaders(r).length === 1, "a leader");
  const leader = lsLeaders(rows)[0] as string;
  const p = await swarm.cli(leader, "node", "promote", "w1");
  assert.is(p.stdout, "Node w1 promoted to a manager in the swarm.\n", p.stderr);
  await ms.lsUntil(leader, (r) => lsRow(r, "w1")?.manager === "Reachable", "w1 Reachable");
  const raftDir = join(swarm.dir, "w1", "swarm", "raft");
  assert.ok(existsSync(raftDir), "a manager keeps raft data");
  const info = await swarm.json<{ ControlAvailable: boolean }>("w1", "info", "--format", "json");
  assert.is(info.ControlAvailable, true);

  const d = await swarm.cli(leader, "node", "demote", "w1");
  assert.is(d.stdout, "Manager w1 demoted in the swarm.\n", d.stderr);
  await ms.lsUntil(leader, (r) => lsRow(r, "w1")?.manager === "", "w1 without a manager status");
  await waitFor(
    async () => {
      const i = await swarm.json<{ ControlAvailable: boolean }>("w1", "info", "--format", "json");
      return !i.ControlAvailable && !existsSync(raftDir);
    },
    { timeoutMs: 20_000, what: "w1 to be a worker with its raft data gone", intervalMs: 150 },
  );
  const after = await ms.lsUntil(leader, (r) => oneLeaderTwoReachable(r), "three managers again");
  assert.is(lsRow(after, "w1")?.manager, "");
});

test("demote the leader itself: it hands leadership over, leaves Raft and becomes a worker", async () => {
  const rows = await ms.lsUntil("m2", (r) => lsLeaders(r).length === 1, "a leader");
  const old = lsLeaders(rows)[0] as string;
  const d = await swarm.cli(old, "node", "demote", old);
  assert.is(d.stdout, `Manager ${old} demoted in the swarm.\n`, d.stderr);
  const survivor = managers.find((m) => m !== old) as string;
  const after = await ms.lsUntil(
    survivor,
    (r) => {
      const l = lsLeaders(r);
      return (
        l.length === 1 &&
        l[0] !== old &&
        lsRow(r, old)?.manager === "" &&
        r.filter((x) => x.manager === "Reachable").length === 1 &&
        // Its agent re-registers with the new leader; on a loaded machine that can outlast the fast
        // profile's grace, so a Down in between is allowed: the node must end Ready.
        lsRow(r, old)?.status === "Ready"
      );
    },
    `a new leader, ${old} out of the managers and Ready`,
  );
  assert.is(lsRow(after, old)?.availability, "Active");
  await waitFor(
    async () => {
      const i = await swarm.json<{ ControlAvailable: boolean }>(old, "info", "--format", "json");
      return !i.ControlAvailable && !existsSync(join(swarm.dir, old, "swarm", "raft"));
    },
    { timeoutMs: 20_000, what: `${old} to be a worker with its raft data gone`, intervalMs: 150 },
  );
});

test.run();

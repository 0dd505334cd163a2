import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort, TestSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Three managers on Raft, as real daemon processes: init + two manager-token
 * joins; SIGKILL the leader; restart every manager; promote and demote a worker.
 */
interface LsRow {
  hostname: string;
  status: string;
  availability: string;
  manager: string;
}

/** `node ls` as rows, cut by the header's column positions. */
function parseLs(out: string): LsRow[] {
  const [header, ...lines] = out.split("\n").filter((l) => l.trim() !== "");
  if (!header) return [];
  const cols = ["HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"].map((c) => header.indexOf(c));
  const cut = (l: string, i: number) => l.slice(cols[i], cols[i + 1]).trim();
  return lines.map((l) => ({ hostname: cut(l, 0), status: cut(l, 1), availability: cut(l, 2), manager: cut(l, 3) }));
}

let swarm: TestSwarm;
const managers = ["m1", "m2", "m3"];
const ports = new Map<string, number>();

async function ls(node: string): Promise<LsRow[] | undefined> {
  const r = await swarm.cli(node, "node", "ls");
  return r.code === 0 ? parseLs(r.stdout) : undefined;
}

/** Waits until `node ls` on `node` satisfies `pred`; returns the rows. */
function lsUntil(node: string, pred: (rows: LsRow[]) => boolean, what: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const rows = await ls(node);
      return rows && pred(rows) ? rows : undefined;
    },
    { timeoutMs, what: `${what} (node ls on ${node})`, intervalMs: 150 },
  );
}

const row = (rows: LsRow[], host: string) => rows.find((r) => r.hostname === host);
const leaderOf = (rows: LsRow[]) => rows.filter((r) => r.manager === "Leader").map((r) => r.hostname);
const oneLeaderTwoReachable = (rows: LsRow[]) =>
  leaderOf(rows).length === 1 &&
  rows.filter((r) => r.manager === "Reachable").length === 2 &&
  managers.every((m) => row(rows, m)?.manager !== "");

async function startManagerDaemon(name: string): Promise<void> {
  await swarm.daemon(name, { listenPort: ports.get(name) as number });
}

test.before(async () => {
  swarm = await TestSwarm.start();
  for (const n of [...managers, "w1"]) ports.set(n, await freePort());
  const { token: workerToken, addr } = await swarm.initManager("m1", ports.get("m1") as number);
  const managerToken = (await swarm.cli("m1", "swarm", "join-token", "-q", "manager")).stdout.trim();
  for (const m of ["m2", "m3"]) {
    await startManagerDaemon(m);
    const j = await swarm.cli(
      m,
      "swarm",
      "join",
      "--token",
      managerToken,
      addr,
      "--listen-addr",
      `127.0.0.1:${ports.get(m)}`,
    );
    assert.is(j.stderr, "", `${m} join`);
    assert.is(j.stdout, "This node joined a swarm as a manager.\n");
  }
  await swarm.daemon("w1", { listenPort: ports.get("w1") as number });
  const w = await swarm.cli(
    "w1",
    "swarm",
    "join",
    "--token",
    workerToken,
    addr,
    "--listen-addr",
    `127.0.0.1:${ports.get("w1")}`,
  );
  assert.is(w.stdout, "This node joined a swarm as a worker.\n", w.stderr);
});

test.after(async () => {
  await swarm.stop();
});

test("three managers: node ls on each shows one Leader and two Reachable", async () => {
  for (const m of managers) {
    const rows = await lsUntil(
      m,
      (r) => oneLeaderTwoReachable(r) && row(r, "w1")?.status === "Ready",
      "one Leader, two Reachable, w1 Ready",
    );
    assert.equal(leaderOf(rows), ["m1"]);
    assert.is(row(rows, "w1")?.manager, "");
  }
});

test("SIGKILL the leader: a new leader, node ls works on a survivor, the killed one is Unreachable, no acknowledged change lost", async () => {
  const drain = await swarm.write("m1", "node", "update", "--availability", "drain", "w1");
  assert.is(drain.stdout, "w1\n", drain.stderr);
  (swarm.daemons.get("m1") as NonNullable<ReturnType<typeof swarm.daemons.get>>).kill("SIGKILL");
  const rows = await lsUntil(
    "m2",
    (r) => {
      const l = leaderOf(r);
      return l.length === 1 && l[0] !== "m1" && row(r, "m1")?.manager === "Unreachable";
    },
    "a new leader and m1 Unreachable",
  );
  assert.is(row(rows, "w1")?.availability, "Drain");
  const other = leaderOf(rows)[0] === "m2" ? "m3" : "m2";
  assert.is(row(rows, other)?.manager, "Reachable");
  // The new leader takes writes.
  const leader = leaderOf(rows)[0] as string;
  const active = await swarm.write(leader, "node", "update", "--availability", "active", "w1");
  assert.is(active.stdout, "w1\n", active.stderr);
  const pause = await swarm.write(leader, "node", "update", "--availability", "pause", "w1");
  assert.is(pause.stdout, "w1\n", pause.stderr);
});

test("restart every manager: every acknowledged change is still there", async () => {
  await startManagerDaemon("m1");
  await lsUntil("m1", (r) => oneLeaderTwoReachable(r), "m1 back, one Leader, two Reachable");
  await Promise.all(managers.map((m) => swarm.daemons.get(m)?.stop(5_000)));
  for (const m of managers) await startManagerDaemon(m);
  for (const m of managers) {
    const rows = await lsUntil(m, (r) => oneLeaderTwoReachable(r), "one Leader, two Reachable after the restart");
    assert.is(row(rows, "w1")?.availability, "Pause");
  }
});

test("promote a worker: it becomes a Reachable manager; demote it: a worker again, its raft data gone", async () => {
  const rows = await lsUntil("m1", (r) => leaderOf(r).length === 1, "a leader");
  const leader = leaderOf(rows)[0] as string;
  const p = await swarm.cli(leader, "node", "promote", "w1");
  assert.is(p.stdout, "Node w1 promoted to a manager in the swarm.\n", p.stderr);
  await lsUntil(leader, (r) => row(r, "w1")?.manager === "Reachable", "w1 Reachable");
  const raftDir = join(swarm.dir, "w1", "swarm", "raft");
  assert.ok(existsSync(raftDir), "a manager keeps raft data");
  const info = await swarm.json<{ ControlAvailable: boolean }>("w1", "info", "--format", "json");
  assert.is(info.ControlAvailable, true);

  const d = await swarm.cli(leader, "node", "demote", "w1");
  assert.is(d.stdout, "Manager w1 demoted in the swarm.\n", d.stderr);
  await lsUntil(leader, (r) => row(r, "w1")?.manager === "", "w1 without a manager status");
  await waitFor(
    async () => {
      const i = await swarm.json<{ ControlAvailable: boolean }>("w1", "info", "--format", "json");
      return !i.ControlAvailable && !existsSync(raftDir);
    },
    { timeoutMs: 20_000, what: "w1 to be a worker with its raft data gone", intervalMs: 150 },
  );
  const after = await lsUntil(leader, (r) => oneLeaderTwoReachable(r), "three managers again");
  assert.is(row(after, "w1")?.manager, "");
});

test("demote the leader itself: it hands leadership over, leaves Raft and becomes a worker", async () => {
  const rows = await lsUntil("m2", (r) => leaderOf(r).length === 1, "a leader");
  const old = leaderOf(rows)[0] as string;
  const d = await swarm.cli(old, "node", "demote", old);
  assert.is(d.stdout, `Manager ${old} demoted in the swarm.\n`, d.stderr);
  const survivor = managers.find((m) => m !== old) as string;
  const after = await lsUntil(
    survivor,
    (r) => {
      const l = leaderOf(r);
      return (
        l.length === 1 &&
        l[0] !== old &&
        row(r, old)?.manager === "" &&
        r.filter((x) => x.manager === "Reachable").length === 1
      );
    },
    `a new leader, ${old} out of the managers`,
  );
  assert.is(row(after, old)?.status, "Ready");
  await waitFor(
    async () => {
      const i = await swarm.json<{ ControlAvailable: boolean }>(old, "info", "--format", "json");
      return !i.ControlAvailable && !existsSync(join(swarm.dir, old, "swarm", "raft"));
    },
    { timeoutMs: 20_000, what: `${old} to be a worker with its raft data gone`, intervalMs: 150 },
  );
});

test.run();

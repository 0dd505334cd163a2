import { test } from "uvu";
import * as assert from "uvu/assert";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { type LsRow, lsLeaders, lsReachable, lsRow } from "../support/node-ls.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Five manager daemons: the swarm keeps working with 4 and 3 of them (a new
 * leader each time the leader is SIGKILLed), loses quorum with 2, and gets it
 * back when two of the killed ones restart, with every acknowledged change.
 */
const LOST_QUORUM =
  "Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.\n";

const managers = ["m1", "m2", "m3", "m4", "m5"] as const;
const ms = useManagerSwarm(test, managers);
const swarm = ms.swarm;
const killed: string[] = [];
const alive = (): string[] => managers.filter((m) => !killed.includes(m));
/** Availability each node was set to, acknowledged by the CLI. */
const acknowledged = new Map<string, string>();

async function setAvailability(on: string, node: string, availability: "active" | "pause" | "drain") {
  const r = await swarm.write(on, "node", "update", "--availability", availability, node);
  assert.is(r.stdout, `${node}\n`, r.stderr);
  acknowledged.set(node, availability[0]?.toUpperCase() + availability.slice(1));
}

function assertAcknowledged(rows: LsRow[]) {
  for (const [node, availability] of acknowledged) assert.is(lsRow(rows, node)?.availability, availability, node);
}

/** Waits for a leader among the live managers, seen from `on`; returns it. */
async function liveLeader(on: string): Promise<{ leader: string; rows: LsRow[] }> {
  const rows = await ms.lsUntil(
    on,
    (r) => {
      const l = lsLeaders(r);
      return (
        l.length === 1 &&
        alive().includes(l[0] as string) &&
        killed.every((k) => lsRow(r, k)?.manager === "Unreachable")
      );
    },
    `a leader among ${alive().join(", ")}, ${killed.join(", ")} Unreachable`,
  );
  return { leader: lsLeaders(rows)[0] as string, rows };
}

async function killLeader(): Promise<string> {
  const { leader } = await liveLeader(alive()[0] as string);
  killed.push(leader);
  await ms.kill(leader);
  return leader;
}

test("SIGKILL the leader of five: a new leader, node ls and writes work", async () => {
  await setAvailability("m1", "m5", "drain");
  await killLeader();
  const { leader, rows } = await liveLeader(alive()[0] as string);
  assertAcknowledged(rows);
  await setAvailability(leader, "m4", "pause");
});

test("SIGKILL the new leader too: three of five still have quorum", async () => {
  await killLeader();
  const survivor = alive()[0] as string;
  const { rows } = await liveLeader(survivor);
  assertAcknowledged(rows);
  assert.is(lsReachable(rows), 2);
  await setAvailability(survivor, "m5", "active");
  await setAvailability(survivor, "m3", "drain");
});

test("SIGKILL a third: two of five have lost quorum", async () => {
  await killLeader();
  const survivor = alive()[0] as string;
  const r = await waitFor(
    async () => {
      const x = await swarm.cli(survivor, "node", "ls");
      return x.stderr.includes("does not have a leader") ? x : undefined;
    },
    { timeoutMs: 15_000, what: `the lost-quorum error on ${survivor}`, intervalMs: 100 },
  );
  assert.is(r.stderr, LOST_QUORUM);
});

test("restart two of the killed managers: quorum back, a leader, no acknowledged change lost", async () => {
  const back = killed.splice(0, 2);
  for (const m of back) await ms.start(m);
  for (const m of alive()) {
    const { rows } = await liveLeader(m);
    assertAcknowledged(rows);
    assert.is(lsReachable(rows), 3);
  }
  const { leader } = await liveLeader(alive()[0] as string);
  await setAvailability(leader, "m2", "pause");
  const { rows } = await liveLeader(back[0] as string);
  assertAcknowledged(rows);
});

test.run();

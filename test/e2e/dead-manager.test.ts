import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { lsLeaders, lsRow, oneLeaderAnd } from "../support/node-ls.ts";

/**
 * A manager that dies or leaves is Unreachable as soon as the leader next talks
 * to it, as in Docker (its Raft transport sees the connection drop), not an
 * election timeout later; and the quorum guard knows it at once. On Swarm's own
 * clock, where the election timeout is 10 ticks of 1 s: the bounds below are a
 * fraction of it.
 */
const swarmClock = profiles.swarm;
const ELECTION_TIMEOUT_MS = swarmClock.raftElectionTicks * swarmClock.raftTickMs;
/** Unreachable at the next heartbeat (one a tick), seen through `node ls` processes on a loaded machine: half an election timeout. */
const SOON_MS = ELECTION_TIMEOUT_MS / 2;

const ms = useManagerSwarm(test, ["m1", "m2", "m3"], { profile: "swarm" });
const swarm = ms.swarm;

/** Starts m3 again and waits until the leader sees it Reachable. */
async function bringBackM3(): Promise<void> {
  await ms.start("m3");
  await ms.lsUntil("m1", (r) => oneLeaderAnd(r, 2), "m3 Reachable again", 4 * ELECTION_TIMEOUT_MS);
}

test("a SIGKILLed manager shows Unreachable on the leader within a heartbeat, not an election timeout", async () => {
  await ms.kill("m3");
  const rows = await ms.lsUntil("m1", (r) => lsRow(r, "m3")?.manager === "Unreachable", "m3 Unreachable", SOON_MS);
  assert.is(lsRow(rows, "m1")?.manager, "Leader");
  assert.is(lsRow(rows, "m2")?.manager, "Reachable");
  await bringBackM3();
});

test("right after a manager is killed, demoting another is refused for quorum and the swarm keeps its leader", async () => {
  await ms.kill("m3");
  const demote = await swarm.cli("m1", "node", "demote", "m2");
  assert.is(
    demote.stderr,
    "Error response from daemon: rpc error: code = FailedPrecondition desc = can't remove member from the raft: this would result in a loss of quorum\n",
  );
  assert.is.not(demote.code, 0);
  const rows = await ms.lsUntil("m1", (r) => lsRow(r, "m3")?.manager === "Unreachable", "m3 Unreachable", SOON_MS);
  assert.equal(lsLeaders(rows), ["m1"]);
  assert.is(lsRow(rows, "m2")?.manager, "Reachable");
  await bringBackM3();
});

test("a manager that left with --force shows Unreachable on the leader at once", async () => {
  const leave = await swarm.cli("m3", "swarm", "leave", "--force");
  assert.is(leave.stdout, "Node left the swarm.\n", leave.stderr);
  const rows = await ms.lsUntil("m1", (r) => lsRow(r, "m3")?.manager === "Unreachable", "m3 Unreachable", SOON_MS);
  assert.equal(lsLeaders(rows), ["m1"]);
});

test.run();

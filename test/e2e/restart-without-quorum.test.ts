import { test } from "uvu";
import * as assert from "uvu/assert";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { lsLeaders, lsRow, parseNodeLs } from "../support/node-ls.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * A manager restarted while its swarm has no quorum (issue 9, item 4; the seed's
 * `docker info`): all three managers stop, one comes back. As in Docker, its
 * manager runs at once, without a leader (SwarmKit serves the control API once
 * Raft is started): `info` says pending, Is Manager: true, the lost-quorum
 * error and the managers it knows. A second manager back gives the quorum
 * back: once its daemon answers, the first answers `node ls` with a leader.
 */
const LOST_QUORUM =
  "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

const ms = useManagerSwarm(test, ["m1", "m2", "m3"]);
const swarm = ms.swarm;

test("a manager restarted without quorum is a manager with the lost-quorum error; a second one back, it answers node ls", async () => {
  const m1Id = (await swarm.json<{ NodeID: string }>("m1", "info", "--format", "json")).NodeID;
  for (const m of ["m3", "m2", "m1"]) await ms.stop(m);

  await ms.start("m1");
  // The first answer after the restart, straight over the bus: the manager is already there.
  const nc = await swarm.nats.connect("restart-test");
  const first = await callDaemon(nc, "m1", "info", {}, { timeoutMs: 10_000 });
  assert.is(first.LocalNodeState, "pending");
  assert.is(first.ControlAvailable, true, "Is Manager: true at once, as SwarmKit's manager runs without a leader");
  assert.ok(first.Error !== "", "the control API's error is shown");
  assert.equal(
    (first.RemoteManagers ?? []).map((p) => p.Addr).sort(),
    ["m1", "m2", "m3"].map((m) => ms.addr(m)).sort(),
  );

  const info = await waitFor(
    async () => {
      const r = await swarm.cli("m1", "info");
      return r.stdout.includes("does not have a leader") ? r.stdout : undefined;
    },
    { timeoutMs: 15_000, what: "the lost-quorum error in info on m1", intervalMs: 100 },
  );
  const managers = ["m1", "m2", "m3"].map((m) => `   ${ms.addr(m)}`).sort();
  assert.fixture(
    info,
    [
      " Swarm: pending",
      `  NodeID: ${m1Id}`,
      `  Error: ${LOST_QUORUM}`,
      "  Is Manager: true",
      "  Node Address: 127.0.0.1",
      "  Manager Addresses:",
      ...managers,
      "",
    ].join("\n"),
  );
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.stderr, `Error response from daemon: ${LOST_QUORUM}\n`);

  // As dockerd's, m2's daemon answers once its node is ready (or after swarmConnectTimeout): by then the
  // two have elected a leader, and m1 answers its first `node ls` with it.
  await ms.start("m2");
  const back = await swarm.cli("m1", "node", "ls");
  assert.is(back.stderr, "");
  const rows = parseNodeLs(back.stdout);
  assert.is(lsLeaders(rows).length, 1, back.stdout);
  for (const m of ["m1", "m2"]) assert.ok(["Leader", "Reachable"].includes(lsRow(rows, m)?.manager ?? ""), back.stdout);
});

test.run();

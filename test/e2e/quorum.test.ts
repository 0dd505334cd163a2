import { test } from "uvu";
import * as assert from "uvu/assert";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { lsLeaders, lsRow } from "../support/node-ls.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Quorum loss as Swarm shows it, on three manager daemons: one down → a
 * demotion that would lose quorum is refused and `swarm leave` warns; two down
 * → DeadlineExceeded while the survivor still waits for a leader, then the
 * lost-quorum Unknown at once, and `info` shows it; `swarm init
 * --force-new-cluster` on the survivor → a one-member cluster that kept the store.
 */
const err = (text: string) => `Error response from daemon: ${text}\n`;
const LOST_QUORUM =
  "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

const ms = useManagerSwarm(test, ["m1", "m2", "m3"]);
const swarm = ms.swarm;

test.before(async () => {
  await ms.joinWorker("w1", "m1");
});

test("one manager down: demoting a reachable manager is refused, leave warns with the quorum numbers", async () => {
  const drain = await swarm.write("m1", "node", "update", "--availability", "drain", "m2");
  assert.is(drain.stdout, "m2\n", drain.stderr);
  await ms.kill("m2");
  await ms.lsUntil("m1", (r) => lsRow(r, "m2")?.manager === "Unreachable", "m2 Unreachable");

  const demote = await swarm.cli("m1", "node", "demote", "m3");
  assert.is(
    demote.stderr,
    err(
      "rpc error: code = FailedPrecondition desc = can't remove member from the raft: this would result in a loss of quorum",
    ),
  );
  assert.is.not(demote.code, 0);

  const leave = await swarm.cli("m3", "swarm", "leave");
  assert.is(
    leave.stderr,
    err(
      "You are attempting to leave the swarm on a node that is participating as a manager. Removing this node leaves 1 managers out of 3. Without a Raft quorum your swarm will be inaccessible. The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.",
    ),
  );
  const rows = await ms.lsUntil("m3", (r) => lsLeaders(r).length === 1, "m3 still a manager with a leader");
  assert.is(lsRow(rows, "m3")?.manager, "Reachable");
});

test("two managers down: DeadlineExceeded while the survivor waits, then the lost-quorum error at once", async () => {
  // m1 leads; with it gone, m3 waits electionTick ticks for a leader, then electionTick more before quorum is lost.
  // The first call must reach m3 inside that window (a few seconds in fast): it goes from this process
  // over the bus at once, not through a CLI process that takes a second to start. It fails with the
  // RpcError whose dockerText is the CLI's stderr line (the CLI's own formatting is tested elsewhere).
  await ms.kill("m1");
  const nc = await swarm.nats.connect("quorum-test");
  const early = await callDaemon(nc, "m3", "node.ls", {}, { timeoutMs: 30_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isRpcError(early), String(early));
  assert.is(`${early.dockerText}\n`, err("rpc error: code = DeadlineExceeded desc = context deadline exceeded"));

  const late = await waitFor(
    async () => {
      const r = await swarm.cli("m3", "node", "ls");
      return r.stderr.includes("does not have a leader") ? r : undefined;
    },
    { timeoutMs: 15_000, what: "the lost-quorum error on m3", intervalMs: 100 },
  );
  assert.is(late.stderr, err(LOST_QUORUM));
  const update = await swarm.cli("m3", "node", "update", "--availability", "active", "m2");
  assert.is(update.stderr, err(LOST_QUORUM));
  const rm = await swarm.cli("m3", "node", "rm", "w1");
  assert.is(rm.stderr, err(LOST_QUORUM));
});

test("info on the survivor shows the error, Is Manager: true, no cluster block; the state stays active", async () => {
  const r = await swarm.cli("m3", "info");
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.ok(lines.includes(" Swarm: active"), r.stdout);
  assert.ok(lines.includes(`  Error: ${LOST_QUORUM}`), r.stdout);
  assert.ok(lines.includes("  Is Manager: true"), r.stdout);
  assert.not.ok(
    lines.some((l) => l.startsWith("  ClusterID:")),
    r.stdout,
  );
  const json = await swarm.json<{ LocalNodeState: string; ControlAvailable: boolean; Error: string }>(
    "m3",
    "info",
    "--format",
    "json",
  );
  assert.equal(
    { state: json.LocalNodeState, control: json.ControlAvailable, error: json.Error },
    { state: "active", control: true, error: LOST_QUORUM },
  );
});

test("swarm init --force-new-cluster on a worker: not a swarm manager", async () => {
  const r = await swarm.cli("w1", "swarm", "init", "--force-new-cluster");
  assert.is(
    r.stderr,
    err(
      "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
    ),
  );
});

test("swarm init --force-new-cluster on the survivor: leader at once, the store kept, the others Down with no manager status", async () => {
  const nodeId = (await swarm.json<{ NodeID: string }>("m3", "info", "--format", "json")).NodeID;
  const r = await swarm.cli("m3", "swarm", "init", "--force-new-cluster");
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith(`Swarm initialized: current node (${nodeId}) is now a manager.\n`), r.stdout);

  const rows = await ms.lsUntil(
    "m3",
    (x) => ["m1", "m2"].every((m) => lsRow(x, m)?.status === "Down") && lsRow(x, "w1")?.status === "Ready",
    "m1 and m2 Down, w1 Ready",
  );
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is(lsRow(rows, "m1")?.manager, "");
  assert.is(lsRow(rows, "m2")?.manager, "");
  assert.is(lsRow(rows, "m2")?.availability, "Drain", "the drain made before the kill is kept");

  const info = await swarm.json<{ Error: string; Managers: number; Nodes: number }>("m3", "info", "--format", "json");
  assert.equal(info, { ...info, Error: "", Nodes: 4, Managers: 1 });

  const update = await swarm.cli("m3", "node", "update", "--availability", "pause", "w1");
  assert.is(update.stdout, "w1\n", update.stderr);
});

test("after --force-new-cluster: a new manager joins with the manager token; a dead old manager is a worker, removed", async () => {
  await ms.join("m4", "m3");
  await ms.lsUntil("m3", (r) => lsRow(r, "m4")?.manager === "Reachable", "m4 Reachable");

  // The old managers are workers of the new cluster: nothing to demote, and removing one is allowed.
  const m1 = (await swarm.cli("m3", "node", "inspect", "--format", "{{.ID}}", "m1")).stdout.trim();
  const demote = await swarm.cli("m3", "node", "demote", "m1");
  assert.is(demote.stdout, `Node ${m1} is already a worker.\n`, demote.stderr);
  const rm = await swarm.cli("m3", "node", "rm", "m1");
  assert.is(rm.stdout, "m1\n", rm.stderr);
  const rows = await ms.lsUntil("m3", (r) => lsRow(r, "m1") === undefined, "m1 gone");
  assert.equal(lsLeaders(rows), ["m3"]);
  assert.is(lsRow(rows, "m4")?.manager, "Reachable");
});

test.run();

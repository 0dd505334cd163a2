import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ClusterInfoJson, SwarmInfo } from "../../src/bus/daemon-contract.ts";
import type { ActorTransition } from "../../src/bus/events.ts";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { type Collector, waitFor } from "../support/wait-for.ts";

/**
 * A user tunes a running swarm with `swarm update`, reads its root CA with
 * `swarm ca`, and sees both in `info` — and the new settings are in force:
 * agents heartbeat at the new period, the managers snapshot at the new interval.
 */
const swarm = useSwarm(test);
let events: Collector<ActorTransition>;
const err = (text: string) => `Error response from daemon: ${text}\n`;
const NOT_MANAGER =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

const cluster = async (): Promise<ClusterInfoJson> => {
  const info = await swarm.json<SwarmInfo>("m1", "info", "--format", "json");
  if (!info.Cluster) throw new Error("m1's info shows no Cluster");
  return info.Cluster;
};

test.before(async () => {
  events = await swarm.events("e2e-swarm-update");
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
});

test("swarm update prints Swarm updated.; info shows every new value, in JSON and in text", async () => {
  const before = await cluster();
  const r = await swarm.cli(
    "m1",
    "swarm",
    "update",
    "--cert-expiry",
    "48h",
    "--task-history-limit",
    "7",
    "--max-snapshots",
    "2",
  );
  assert.is(r.stderr, "");
  assert.is(r.stdout, "Swarm updated.\n");
  const after = await cluster();
  assert.is(after.Spec.CAConfig.NodeCertExpiry, 48 * 3600 * 1e9);
  assert.is(after.Spec.Orchestration.TaskHistoryRetentionLimit, 7);
  assert.is(after.Spec.Raft.KeepOldSnapshots, 2);
  assert.is(after.Spec.Raft.SnapshotInterval, before.Spec.Raft.SnapshotInterval, "what was not given is kept");
  assert.ok((after.Version.Index ?? 0) > (before.Version.Index ?? 0), "the cluster object's version moved");
  const text = (await swarm.cli("m1", "info")).stdout;
  assert.match(text, /\n {3}Task History Retention Limit: 7\n/);
  assert.match(text, /\n {3}Number of Old Snapshots to Retain: 2\n/);
  assert.match(text, /\n {2}CA Configuration:\n {3}Expiry Duration: 2 days\n/);
});

test("swarm update --dispatcher-heartbeat: info shows it and every agent heartbeats at the new period", async () => {
  const from = events.items.length;
  const r = await swarm.cli("m1", "swarm", "update", "--dispatcher-heartbeat", "2s");
  assert.is(r.stdout, "Swarm updated.\n");
  assert.is((await cluster()).Spec.Dispatcher.HeartbeatPeriod, 2e9);
  assert.match((await swarm.cli("m1", "info")).stdout, /\n {2}Dispatcher:\n {3}Heartbeat Period: 2 seconds\n/);
  // The dispatcher hands the period out with each Heartbeat answer (± its epsilon); the session adopts it.
  for (const node of ["m1", "w1"]) {
    await waitFor(
      () =>
        events.items.slice(from).find((e) => {
          const p = e.node === node && e.actor === "session" ? e.context?.heartbeatPeriodMs : undefined;
          return typeof p === "number" && p >= 1500 && p <= 2500;
        }),
      { timeoutMs: 10_000, what: `${node}'s session to heartbeat every ~2 s` },
    );
  }
});

test("swarm update --snapshot-interval: the managers snapshot at the new interval", async () => {
  const snapDir = join(swarm.dir, "m1", "swarm", "raft", "snap");
  const snaps = () => readdirSync(snapDir).filter((n) => n.endsWith(".snap")).length;
  assert.is(snaps(), 0, "no snapshot at the default interval of 10000 entries");
  assert.is((await swarm.cli("m1", "swarm", "update", "--snapshot-interval", "3")).stdout, "Swarm updated.\n");
  assert.is((await cluster()).Spec.Raft.SnapshotInterval, 3);
  for (let i = 0; i < 4 && snaps() === 0; i++) {
    assert.is((await swarm.write("m1", "node", "update", "--label-add", `round=${i}`, "m1")).code, 0);
  }
  await waitFor(() => snaps() > 0, { timeoutMs: 10_000, what: "a snapshot in m1's raft/snap" });
});

test("swarm update refuses what SwarmKit refuses, with its words", async () => {
  const short = await swarm.cli("m1", "swarm", "update", "--cert-expiry", "30m");
  assert.is(short.code, 1);
  assert.is(short.stdout, "");
  assert.is(short.stderr, err("rpc error: code = InvalidArgument desc = minimum certificate expiry time is: 1h0m0s"));
  const negative = await swarm.cli("m1", "swarm", "update", "--dispatcher-heartbeat", "-5s");
  assert.is(
    negative.stderr,
    err("rpc error: code = InvalidArgument desc = heartbeat time period cannot be a negative duration"),
  );
  const bad = await swarm.cli("m1", "swarm", "update", "--cert-expiry", "bogus");
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /time: invalid duration "bogus"/);
  assert.is((await cluster()).Spec.CAConfig.NodeCertExpiry, 48 * 3600 * 1e9, "nothing changed");
  const worker = await swarm.cli("w1", "swarm", "update", "--task-history-limit", "1");
  assert.is(worker.stderr, err(NOT_MANAGER));
  const none = await swarm.cli("m1", "swarm", "update");
  assert.is(none.code, 0, "no flag: the help, as docker prints it");
  assert.match(none.stdout, /--dispatcher-heartbeat/);
});

test("swarm ca prints the root CA certificate the cluster holds; a worker is told to ask a manager", async () => {
  const r = await swarm.cli("m1", "swarm", "ca");
  assert.is(r.stderr, "");
  const root = (await cluster()).TLSInfo.TrustRoot ?? "";
  assert.match(root, /^-----BEGIN [A-Z ]+-----\n/);
  assert.is(r.stdout, `${root.trim()}\n`);
  const worker = await swarm.cli("w1", "swarm", "ca");
  assert.is(worker.code, 1);
  assert.is(worker.stderr, err(NOT_MANAGER));
});

test.run();

test("swarm init takes the same spec flags: the new swarm starts with them", async () => {
  const port = await freePort();
  await swarm.daemon("m9", { listenPort: port });
  const r = await swarm.cli(
    "m9",
    "swarm",
    "init",
    "--listen-addr",
    `127.0.0.1:${port}`,
    "--cert-expiry",
    "30h",
    "--task-history-limit",
    "3",
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Swarm initialized: current node \(\w+\) is now a manager\.\n/);
  const info = await swarm.json<SwarmInfo>("m9", "info", "--format", "json");
  assert.is(info.Cluster?.Spec.CAConfig.NodeCertExpiry, 30 * 3600 * 1e9);
  assert.is(info.Cluster?.Spec.Orchestration.TaskHistoryRetentionLimit, 3);
});

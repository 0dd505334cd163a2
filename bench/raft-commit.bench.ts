// Raft commit throughput and latency with fsync: 3 RaftNodes in one process on
// loopback (a real nats-server, real WAL with fdatasync in temp state dirs),
// 1 and 64 concurrent proposers of 128-byte values.
//
//   node --import tsx bench/raft-commit.bench.ts [--proposers 1,64] [--duration 10] [--value-size 128]
//        [--profile fast|swarm] [--state-root DIR]
//
// Latency is propose() → resolved (applied on the leader after a quorum fsync'd it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectBus } from "../src/bus/connection.ts";
import type { BusLog } from "../src/bus/log.ts";
import { type NatsServerHandle, startNatsServer } from "../src/bus/nats-server.ts";
import { profile as timingProfile } from "../src/config/profile.ts";
import { RaftNode } from "../src/raft/node/index.ts";
import { natsTransport } from "../src/raft/transport/index.ts";
import { summarize } from "./percentile.ts";

const { values: flags } = parseArgs({
  options: {
    proposers: { type: "string", default: "1,64" },
    duration: { type: "string", default: "10" },
    "value-size": { type: "string", default: "128" },
    profile: { type: "string", default: "fast" },
    "state-root": { type: "string", default: tmpdir() },
  },
});
const positive = (v: string, what: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${what}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const proposerCounts = (flags.proposers ?? "1,64").split(",").map((v) => positive(v, "proposers"));
const durationMs = positive(flags.duration ?? "10", "duration") * 1000;
const valueSize = positive(flags["value-size"] ?? "128", "value-size");
const prof = timingProfile(flags.profile ?? "fast");
const quiet: BusLog = { warn: () => {}, error: () => {} };

interface Running {
  node: RaftNode;
  nc: NatsConnection;
}

async function startCluster(nats: NatsServerHandle, dir: string): Promise<Running[]> {
  const clusterId = `bench${process.pid}`;
  const out: Running[] = [];
  const start = async (id: string, bootstrap: boolean) => {
    const nc = await connectBus(nats.url, `bench-raft-${id}`);
    const transport = await natsTransport({
      nc,
      clusterId,
      raftId: id,
      inactiveAfterMs: prof.raftTickMs * prof.raftElectionTicks,
      log: quiet,
    });
    const node = await RaftNode.start({
      clusterId,
      self: { raftId: id, nodeId: `bench-${id}`, addr: "127.0.0.1:0" },
      stateDir: join(dir, id),
      transport,
      profile: prof,
      bootstrap,
      log: quiet,
      apply: () => {},
    });
    out.push({ node, nc });
    return node;
  };
  const first = await start("1", true);
  await until(() => first.isLeader(), 10_000, "member 1 to lead");
  for (const id of ["2", "3"]) {
    await start(id, false);
    await first.addMember({ raftId: id, nodeId: `bench-${id}`, addr: "127.0.0.1:0" });
  }
  return out;
}

async function until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function run(leader: RaftNode, proposers: number) {
  const value = new Uint8Array(valueSize).fill(0x61);
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await leader.propose(value);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: proposers }, worker));
  const secs = (performance.now() - t0) / 1000;
  const s = summarize(latencies);
  return {
    proposers,
    commits: s.count,
    commitsPerSec: Math.round(s.count / secs),
    p50Ms: +s.p50Ms.toFixed(2),
    p99Ms: +s.p99Ms.toFixed(2),
    maxMs: +s.maxMs.toFixed(2),
    errors,
  };
}

const nats = await startNatsServer();
const dir = mkdtempSync(join(flags["state-root"] ?? tmpdir(), "swarmbus-raft-bench-"));
let cluster: Running[] = [];
try {
  cluster = await startCluster(nats, dir);
  const results = [];
  for (const n of proposerCounts) {
    await until(() => cluster.some((c) => c.node.isLeader()), 10_000, "a leader");
    const leader = cluster.find((c) => c.node.isLeader())?.node as RaftNode;
    const r = await run(leader, n);
    results.push(r);
    console.log(
      `raft commit, 3 members, fsync, ${valueSize} B values, ${n} proposer(s): ${r.commitsPerSec} commits/s, ` +
        `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms (${r.commits} commits, ${r.errors} errors)`,
    );
  }
  console.log(
    JSON.stringify({ bench: "raft-commit", profile: prof.name, valueSize, durationMs, stateDir: dir, results }),
  );
} finally {
  for (const c of cluster) {
    await c.node.stop();
    await c.nc.close();
  }
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}

// Raft commit throughput and latency with fsync: 3 RaftNodes in one process on loopback (a real
// nats-server, real WAL with fdatasync in temp state dirs), 1 and 64 concurrent proposers of
// 128-byte values; with --etcd, then a 3-member etcd cluster (Debian's etcd-server, loopback,
// default fsync) under the same load in the same run, and the ratio swarmbus/etcd.
// Each member connects to the bus as a manager does (TLS client port, its own manager credentials:
// Raft as its node ID only); with --vs-open-bus, the same again on the bus as it was before it had
// identities (no TLS, every subject allowed), and the ratio. Every case counts the fsyncs of the 3
// members per committed entry; with --vs-always-sync, the same again with every WAL write fdatasync'd
// (as before the WAL honoured Raft's MustSync: a commit-only hard state cost one too), and the ratio.
//
//   node --import tsx bench/raft-commit.bench.ts [--etcd | --etcd-only] [--etcd-client grpc|http]
//        [--proposers 1,64] [--duration 10] [--rounds 1] [--warmup 1] [--value-size 128] [--profile fast|swarm]
//        [--state-root DIR] [--keep] [--clear | --vs-clear] [--vs-open-bus] [--vs-always-sync]
//
// Latency: swarmbus, propose() → resolved (applied on the leader after a quorum fsync'd it);
// etcd, POST /v3/kv/put on the leader → HTTP 200 (committed and applied on the leader).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { NatsConnection } from "@nats-io/transport-node";
import { type NatsServerHandle, startNatsServer } from "../src/bus/nats-server.ts";
import { profile as timingProfile } from "../src/config/profile.ts";
import { silentLog } from "../src/log.ts";
import { RaftNode } from "../src/raft/node/index.ts";
import { generateDek, nodeStorageFs, type StorageFs } from "../src/raft/storage/index.ts";
import { natsTransport } from "../src/raft/transport/index.ts";
import type { RaftMember } from "../src/raft/types.ts";
import { ETCD_INSTALL_HINT, type EtcdCluster, etcdBinary, startEtcdCluster } from "./etcd-cluster.ts";
import { closedLoop, type EtcdClientKind, type LoadCaseResult, runEtcdLoad } from "./etcd-load.ts";
import { cpuSeconds } from "./proc-stats.ts";
import { connectAs } from "./support/bus-identity.ts";
import { runDir } from "./support/run-dir.ts";

const USAGE = `usage: node --import tsx bench/raft-commit.bench.ts [--etcd | --etcd-only] [--etcd-client grpc|http]
       [--proposers 1,64] [--duration 10] [--rounds 1] [--warmup 1] [--value-size 128] [--profile fast|swarm]
       [--state-root DIR] [--keep] [--clear | --vs-clear] [--vs-open-bus] [--vs-always-sync]`;

const { values: flags } = parseArgs({
  options: {
    etcd: { type: "boolean", default: false },
    "etcd-only": { type: "boolean", default: false },
    "etcd-client": { type: "string", default: "grpc" },
    proposers: { type: "string", default: "1,64" },
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "1" },
    warmup: { type: "string", default: "1" },
    "value-size": { type: "string", default: "128" },
    profile: { type: "string", default: "fast" },
    "state-root": { type: "string", default: tmpdir() },
    keep: { type: "boolean", default: false },
    // The WAL and snapshots in clear, as before swarmbus sealed them with a DEK (a manager always does).
    clear: { type: "boolean", default: false },
    // Both: swarmbus sealed and in clear, one after the other in each round (what sealing costs, in one run).
    "vs-clear": { type: "boolean", default: false },
    // Both: the bus as a swarm runs it (TLS, manager permissions) and as it was before it had identities
    // (no TLS, unrestricted users), one after the other in each round (what the authenticated bus costs).
    "vs-open-bus": { type: "boolean", default: false },
    // Both: the WAL as it is (fdatasync only when Raft's MustSync says so) and fdatasync'ing every write.
    "vs-always-sync": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const positive = (v: string, what: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${what}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const nonNegative = (v: string, what: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${what}: expected seconds ≥ 0, got ${JSON.stringify(v)}`);
  return n;
};
const proposerCounts = flags.proposers.split(",").map((v) => positive(v.trim(), "proposers"));
const durationMs = positive(flags.duration, "duration") * 1000;
const rounds = positive(flags.rounds, "rounds");
const warmupMs = nonNegative(flags.warmup, "warmup") * 1000;
const valueSize = positive(flags["value-size"], "value-size");
const stateRoot = flags["state-root"];
const prof = timingProfile(flags.profile);
const etcdOnly = flags["etcd-only"];
const vsClear = flags["vs-clear"];
if (vsClear && flags.clear) throw new Error("--clear and --vs-clear: choose one");
const vsOpenBus = flags["vs-open-bus"];
const vsAlwaysSync = flags["vs-always-sync"];
const withEtcd = flags.etcd || etcdOnly;
const etcdClient: EtcdClientKind = (() => {
  const v = flags["etcd-client"];
  if (v !== "grpc" && v !== "http") throw new Error(`--etcd-client: expected grpc or http, got ${JSON.stringify(v)}`);
  return v;
})();
if (withEtcd && !etcdBinary()) {
  console.error(ETCD_INSTALL_HINT);
  process.exit(2);
}
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

/** A case's figures plus the CPU the system under test used in the window (% of one core). */
type CaseResult = LoadCaseResult & {
  serverCpuPercent: number;
  clientCpuPercent?: number;
  /** swarmbus: fsyncs (fdatasync and fsync, files and directories) of the 3 members per committed entry. */
  fsyncsPerEntry?: number;
};

/**
 * The real file operations, counting fsyncs; with `alwaysSync`, every write is fdatasync'd at once
 * (a later fdatasync with nothing written since is then skipped: one per write, as before MustSync).
 */
function countingFs(alwaysSync: boolean): { fs: StorageFs; syncs(): number } {
  let syncs = 0;
  const fs: StorageFs = {
    ...nodeStorageFs,
    async open(path, flags, mode) {
      const f = await nodeStorageFs.open(path, flags, mode);
      let unsynced = false;
      const datasync = async () => {
        await f.datasync();
        syncs++;
        unsynced = false;
      };
      return {
        write: async (buf, offset, length, position) => {
          const r = await f.write(buf, offset, length, position);
          unsynced = true;
          if (alwaysSync) await datasync();
          return r;
        },
        datasync: async () => {
          if (!alwaysSync || unsynced) await datasync();
        },
        sync: async () => {
          await f.sync();
          syncs++;
          unsynced = false;
        },
        truncate: (n) => f.truncate(n),
        stat: () => f.stat(),
        close: () => f.close(),
      };
    },
  };
  return { fs, syncs: () => syncs };
}

// ---- what to stop on exit, error or Ctrl-C -------------------------------------------------------

const cleanups: (() => Promise<void>)[] = [];
async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const c = cleanups.pop();
    try {
      await c?.();
    } catch (err) {
      console.error("cleanup:", err instanceof Error ? err.message : err);
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping…`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- swarmbus: 3 RaftNodes on one nats-server ----------------------------------------------------

/**
 * The bus the members talk over: `authenticated`, as issue 11 made it (TLS on the client port, each
 * member with its manager credentials); `open`, as before (no TLS, credentials that allow every subject).
 */
type BusKind = "authenticated" | "open";

interface Running {
  node: RaftNode;
  nc: NatsConnection;
}

async function startRaftCluster(
  nats: NatsServerHandle,
  dir: string,
  sealed: boolean,
  bus: BusKind,
  storageFs: StorageFs,
): Promise<Running[]> {
  const clusterId = `bench${process.pid}`;
  const out: Running[] = [];
  cleanups.push(async () => {
    for (const c of out) {
      await c.node.stop();
      await c.nc.close();
    }
  });
  const start = async (id: string, bootstrap: boolean, joinMembers: readonly RaftMember[] = []) => {
    const nodeId = `bench-${id}`;
    const nc = await connectAs(
      nats,
      `bench-raft-${id}`,
      bus === "open" ? "unrestricted" : { role: "manager", nodeId, clusterId },
    );
    const transport = await natsTransport({
      nc,
      clusterId,
      raftId: id,
      nodeId,
      inactiveAfterMs: prof.raftTickMs * prof.raftElectionTicks,
      log: silentLog,
    });
    const node = await RaftNode.start({
      clusterId,
      self: { raftId: id, nodeId, addr: "127.0.0.1:0" },
      stateDir: join(dir, id),
      ...(sealed ? { dek: generateDek() } : {}),
      transport,
      storageFs,
      profile: prof,
      bootstrap,
      joinMembers,
      log: silentLog,
      apply: () => {},
    });
    out.push({ node, nc });
    return node;
  };
  const first = await start("1", true);
  await until(() => first.isLeader(), 10_000, "member 1 to lead");
  for (const id of ["2", "3"]) {
    const self = { raftId: id, nodeId: `bench-${id}`, addr: "127.0.0.1:0" };
    await start(id, false, [...first.members().map((s) => s.member), self]);
    await first.addMember(self);
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

/** CPU seconds of this process (all threads) plus `pids`, for a window's CPU %. */
function cpuNow(pids: readonly number[], self: boolean): number {
  let s = 0;
  if (self) {
    const u = process.cpuUsage();
    s += (u.user + u.system) / 1e6;
  }
  for (const p of pids) s += cpuSeconds(p) ?? 0;
  return s;
}

async function measured(
  serverPids: readonly number[],
  serverIsSelf: boolean,
  run: () => Promise<LoadCaseResult>,
): Promise<CaseResult> {
  const w0 = performance.now();
  const s0 = cpuNow(serverPids, serverIsSelf);
  const c0 = serverIsSelf ? 0 : cpuNow([], true);
  const r = await run();
  const wall = (performance.now() - w0) / 1000;
  const pct = (x: number) => Math.round((x / wall) * 100);
  const out: CaseResult = { ...r, serverCpuPercent: pct(cpuNow(serverPids, serverIsSelf) - s0) };
  if (!serverIsSelf) out.clientCpuPercent = pct(cpuNow([], true) - c0);
  return out;
}

async function benchSwarmbus(
  sealed: boolean,
  bus: BusKind = "authenticated",
  alwaysSync = false,
): Promise<CaseResult[]> {
  const nats = await startNatsServer(bus === "open" ? { clientTls: false } : {});
  cleanups.push(() => nats.stop());
  const dir = runDir(stateRoot, "swarmbus-raft-bench-");
  cleanups.push(async () => {
    if (!flags.keep) rmSync(dir, { recursive: true, force: true });
  });
  const counting = countingFs(alwaysSync);
  const cluster = await startRaftCluster(nats, dir, sealed, bus, counting.fs);
  const value = new Uint8Array(valueSize).fill(0x61);
  const results: CaseResult[] = [];
  for (const n of proposerCounts) {
    await until(() => cluster.some((c) => c.node.isLeader()), 10_000, "a leader");
    const leader = cluster.find((c) => c.node.isLeader())?.node as RaftNode;
    // Server CPU: this process (3 members + the in-process proposers) and nats-server.
    // fsyncs per entry: over the whole case (warmup too), on all 3 members, per entry the leader committed.
    const syncs0 = counting.syncs();
    const commit0 = leader.committedIndexNow();
    const r = await measured([nats.pid], true, () =>
      closedLoop({ workers: n, durationMs, warmupMs }, async () => {
        await leader.propose(value);
      }),
    );
    const entries = leader.committedIndexNow() - commit0;
    if (entries > 0) r.fsyncsPerEntry = +((counting.syncs() - syncs0) / entries).toFixed(3);
    results.push(r);
    console.log(
      `swarmbus${sealed ? "" : " in clear"}${bus === "open" ? " on the open bus" : ""}${alwaysSync ? " always-sync" : ""} ${line(n, r)}`,
    );
  }
  await cleanup();
  return results;
}

// ---- etcd: 3 members on loopback -----------------------------------------------------------------

async function benchEtcd(): Promise<{ version: string; results: CaseResult[] }> {
  const etcd: EtcdCluster = await startEtcdCluster({ size: 3, stateRoot });
  cleanups.push(() => etcd.stop({ keep: flags.keep }));
  const results: CaseResult[] = [];
  for (const n of proposerCounts) {
    const clientUrl = await etcd.leaderClientUrl();
    const r = await measured(
      etcd.members.map((m) => m.pid),
      false,
      () => runEtcdLoad({ clientUrl, writers: n, durationMs, valueSize, warmupMs, client: etcdClient }),
    );
    results.push(r);
    console.log(`etcd     ${line(n, r)}`);
  }
  const version = etcd.version;
  await cleanup();
  return { version, results };
}

// ---- report --------------------------------------------------------------------------------------

function line(n: number, r: CaseResult): string {
  return (
    `3 members, fsync, ${valueSize} B, ${n} proposer(s): ${r.commitsPerSec} commits/s, p50 ${r.p50Ms} ms, ` +
    `p99 ${r.p99Ms} ms, max ${r.maxMs} ms (${r.commits} commits, ${r.errors} errors` +
    `${r.firstError ? `, first: ${r.firstError}` : ""}; server CPU ${r.serverCpuPercent} %` +
    `${r.fsyncsPerEntry === undefined ? "" : `, ${r.fsyncsPerEntry} fsyncs/entry`}` +
    `${r.clientCpuPercent === undefined ? "" : `, client CPU ${r.clientCpuPercent} %`})`
  );
}

function table(
  sb: CaseResult[] | undefined,
  et: CaseResult[] | undefined,
  cl: CaseResult[] | undefined,
  ob: CaseResult[] | undefined,
  as: CaseResult[] | undefined,
): string {
  const head = ["proposers"];
  if (sb) head.push(`swarmbus${vsClear ? " sealed" : ""}${ob ? " TLS+perms" : ""} commits/s`, "p50 ms", "p99 ms");
  if (cl) head.push("swarmbus in clear commits/s", "p50 ms", "p99 ms", "sealed/clear");
  if (ob) head.push("open bus commits/s", "p50 ms", "p99 ms", "TLS+perms/open");
  if (sb) head.push("fsyncs/entry");
  if (as) head.push("always-sync commits/s", "p50 ms", "p99 ms", "fsyncs/entry", "MustSync/always");
  if (et) head.push("etcd commits/s", "p50 ms", "p99 ms");
  if (sb && et) head.push("ratio swarmbus/etcd");
  const figures = (r: CaseResult | undefined) =>
    r ? [String(r.commitsPerSec), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2)] : ["n/a", "n/a", "n/a"];
  const rows = proposerCounts.map((n, i) => {
    const s = sb?.[i];
    const e = et?.[i];
    const c = cl?.[i];
    const o = ob?.[i];
    const a = as?.[i];
    const row = [String(n)];
    const fpe = (r: CaseResult | undefined) => (r?.fsyncsPerEntry === undefined ? "n/a" : String(r.fsyncsPerEntry));
    if (sb) row.push(...figures(s));
    if (cl)
      row.push(...figures(c), s && c && c.commitsPerSec > 0 ? (s.commitsPerSec / c.commitsPerSec).toFixed(2) : "n/a");
    if (ob)
      row.push(...figures(o), s && o && o.commitsPerSec > 0 ? (s.commitsPerSec / o.commitsPerSec).toFixed(2) : "n/a");
    if (sb) row.push(fpe(s));
    if (as)
      row.push(
        ...figures(a),
        fpe(a),
        s && a && a.commitsPerSec > 0 ? (s.commitsPerSec / a.commitsPerSec).toFixed(2) : "n/a",
      );
    if (et) row.push(...figures(e));
    if (sb && et) row.push(s && e && e.commitsPerSec > 0 ? (s.commitsPerSec / e.commitsPerSec).toFixed(2) : "n/a");
    return row;
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const fmt = (r: string[]) => `| ${r.map((v, c) => v.padStart(widths[c] ?? 0)).join(" | ")} |`;
  return [fmt(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(fmt)].join("\n");
}

/** The median of `xs` (mean of the middle two for an even count); NaN for none. */
function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const v = [...xs].sort((x, y) => x - y);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

/** Per proposer count, the median over rounds of commits/s, p50, p99 (errors summed). */
function medianOverRounds(perRound: CaseResult[][]): CaseResult[] {
  return proposerCounts.map((n, i) => {
    const cs = perRound.map((r) => r[i]).filter((c): c is CaseResult => c !== undefined);
    const med = (f: (c: CaseResult) => number) => +median(cs.map(f)).toFixed(2);
    return {
      proposers: n,
      commits: Math.round(median(cs.map((c) => c.commits))),
      commitsPerSec: Math.round(median(cs.map((c) => c.commitsPerSec))),
      p50Ms: med((c) => c.p50Ms),
      p99Ms: med((c) => c.p99Ms),
      maxMs: Math.max(...cs.map((c) => c.maxMs)),
      errors: cs.reduce((t, c) => t + c.errors, 0),
      serverCpuPercent: Math.round(median(cs.map((c) => c.serverCpuPercent))),
      ...(cs.some((c) => c.fsyncsPerEntry !== undefined)
        ? { fsyncsPerEntry: +median(cs.map((c) => c.fsyncsPerEntry ?? Number.NaN)).toFixed(3) }
        : {}),
      ...(cs.some((c) => c.clientCpuPercent !== undefined)
        ? { clientCpuPercent: Math.round(median(cs.map((c) => c.clientCpuPercent ?? Number.NaN))) }
        : {}),
    };
  });
}

const loadAvgAtStart = loadavg();
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
console.log(
  `load average at start: ${fmtLoad(loadAvgAtStart)} (${cpus().length} CPUs; a busy machine moves the figures)`,
);
try {
  const sbRounds: CaseResult[][] = [];
  const clRounds: CaseResult[][] = [];
  const obRounds: CaseResult[][] = [];
  const asRounds: CaseResult[][] = [];
  const etRounds: CaseResult[][] = [];
  let etcdVersion = "";
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`-- round ${round}/${rounds}`);
    // Alternate which system goes first, so a machine getting busier or quieter favours neither.
    // With --vs-clear (--vs-open-bus), sealed and clear (authenticated and open bus) alternate the same way.
    const order =
      round % 2 === 1
        ? ["swarmbus", "always-sync", "clear", "open-bus", "etcd"]
        : ["etcd", "open-bus", "clear", "always-sync", "swarmbus"];
    for (const system of order) {
      if (system === "swarmbus" && !etcdOnly) sbRounds.push(await benchSwarmbus(!flags.clear));
      if (system === "clear" && vsClear) clRounds.push(await benchSwarmbus(false));
      if (system === "open-bus" && vsOpenBus) obRounds.push(await benchSwarmbus(!flags.clear, "open"));
      if (system === "always-sync" && vsAlwaysSync)
        asRounds.push(await benchSwarmbus(!flags.clear, "authenticated", true));
      if (system === "etcd" && withEtcd) {
        const e = await benchEtcd();
        etcdVersion = e.version;
        etRounds.push(e.results);
      }
    }
  }
  const swarmbus = sbRounds.length > 0 ? medianOverRounds(sbRounds) : undefined;
  const etcd = etRounds.length > 0 ? medianOverRounds(etRounds) : undefined;
  const clear = clRounds.length > 0 ? medianOverRounds(clRounds) : undefined;
  const openBus = obRounds.length > 0 ? medianOverRounds(obRounds) : undefined;
  const alwaysSync = asRounds.length > 0 ? medianOverRounds(asRounds) : undefined;
  const ratioOf = (a: CaseResult | undefined, b: CaseResult | undefined) =>
    a && b && b.commitsPerSec > 0 ? +(a.commitsPerSec / b.commitsPerSec).toFixed(3) : null;
  const ratios =
    swarmbus && etcd
      ? proposerCounts.map((n, i) => ({
          proposers: n,
          commitsPerSec: ratioOf(swarmbus[i], etcd[i]),
          perRound: sbRounds.map((r, k) => ratioOf(r[i], etRounds[k]?.[i])),
        }))
      : undefined;
  const sealedVsClear = clear
    ? proposerCounts.map((n, i) => ({
        proposers: n,
        commitsPerSec: ratioOf(swarmbus?.[i], clear[i]),
        perRound: sbRounds.map((r, k) => ratioOf(r[i], clRounds[k]?.[i])),
      }))
    : undefined;
  const authenticatedVsOpenBus = openBus
    ? proposerCounts.map((n, i) => ({
        proposers: n,
        commitsPerSec: ratioOf(swarmbus?.[i], openBus[i]),
        perRound: sbRounds.map((r, k) => ratioOf(r[i], obRounds[k]?.[i])),
      }))
    : undefined;
  const mustSyncVsAlwaysSync = alwaysSync
    ? proposerCounts.map((n, i) => ({
        proposers: n,
        commitsPerSec: ratioOf(swarmbus?.[i], alwaysSync[i]),
        perRound: sbRounds.map((r, k) => ratioOf(r[i], asRounds[k]?.[i])),
      }))
    : undefined;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "",
    memoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
    libuv: process.versions.uv,
    uvUseIoUring: process.env.UV_USE_IO_URING ?? null,
  };
  const loadAvgAtEnd = loadavg();
  const report = {
    bench: "raft-commit",
    command: process.argv.slice(2),
    machine,
    profile: prof.name,
    valueSize,
    durationMs,
    warmupMs,
    rounds,
    stateRoot,
    /** 1/5/15-min load averages at the start and end: the machine is shared, a busy one moves the figures. */
    loadAvg: { start: loadAvgAtStart, end: loadAvgAtEnd },
    /** Figures per proposer count: the median over rounds; every round's own figures in `…Rounds`. */
    /** Whether `swarmbus` sealed its WAL and snapshots with a DEK; `swarmbusClear` is the same in clear (--vs-clear). */
    sealed: !flags.clear,
    /**
     * The bus of `swarmbus`: TLS on the client port, each member with its manager credentials; with
     * --vs-open-bus, `swarmbusOpenBus` is the same on the bus as before issue 11 (no TLS, unrestricted users).
     */
    bus: "tls+manager-permissions",
    ...(swarmbus ? { swarmbus, swarmbusRounds: sbRounds } : {}),
    ...(clear ? { swarmbusClear: clear, swarmbusClearRounds: clRounds, sealedVsClear } : {}),
    ...(alwaysSync ? { swarmbusAlwaysSync: alwaysSync, swarmbusAlwaysSyncRounds: asRounds, mustSyncVsAlwaysSync } : {}),
    ...(openBus ? { swarmbusOpenBus: openBus, swarmbusOpenBusRounds: obRounds, authenticatedVsOpenBus } : {}),
    ...(etcd
      ? {
          etcd: {
            version: etcdVersion,
            client:
              etcdClient === "grpc"
                ? "native gRPC etcdserverpb.KV/Put, one HTTP/2 connection (grpc-js)"
                : "HTTP/JSON gateway POST /v3/kv/put, one keep-alive connection per writer",
            results: etcd,
            rounds: etRounds,
          },
          ...(ratios ? { ratios } : {}),
        }
      : {}),
  };
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `raft-commit-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const byRound = (what: string, rs: { proposers: number; perRound: (number | null)[] }[] | undefined) =>
    rs && rounds > 1
      ? `\n${what} per round: ${rs.map((r) => `${r.proposers} proposer(s): ${r.perRound.map((x) => x ?? "n/a").join(", ")}`).join("; ")}`
      : "";
  const perRound =
    byRound("ratio", ratios) +
    byRound("sealed/clear", sealedVsClear) +
    byRound("TLS+perms/open", authenticatedVsOpenBus) +
    byRound("MustSync/always", mustSyncVsAlwaysSync);
  console.log(
    `\nRaft commit, 3 members on loopback, fsync, ${valueSize} B values, ${durationMs / 1000} s per case` +
      `${rounds > 1 ? `, median of ${rounds} rounds` : ""}${etcd ? ` (etcd ${etcdVersion})` : ""}:\n` +
      `${table(swarmbus, etcd, clear, openBus, alwaysSync)}${perRound}\nload average at end: ${fmtLoad(loadAvgAtEnd)}\n\nresults: ${file}`,
  );
} finally {
  await cleanup();
}

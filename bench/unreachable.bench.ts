/**
 * How soon a manager that is gone reads Unreachable on the leader, and what
 * that costs at idle. Per run, a fresh cluster of 3 manager daemons (real
 * processes, init + 2 manager-token joins) on a fresh nats-server:
 *  1. idle: raft messages per second per manager, counted for `--idle` seconds
 *     on the raft subjects (the liveness check adds none: it rides on them);
 *  2. SIGKILL a follower; node.ls on the leader every `--poll-interval` ms until
 *     it shows the follower unreachable (ms after the kill);
 *  3. restart it; ms until it is reachable again;
 *  4. `swarm leave --force` on the other follower; ms until it shows unreachable.
 *
 *   node --import tsx bench/unreachable.bench.ts --runs 5 --profile fast,swarm
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectBus } from "../src/bus/connection.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { startNatsServer } from "../src/bus/nats-server.ts";
import { busPrefix } from "../src/bus/subjects.ts";
import type { ProfileName } from "../src/config/profile.ts";
import { type DaemonProcess, spawnDaemon } from "../src/process/daemon-process.ts";
import { percentile } from "./percentile.ts";
import { freePort, until } from "./support/wait.ts";

const MANAGERS = ["un-m1", "un-m2", "un-m3"] as const;

interface Run {
  profile: ProfileName;
  raftMsgsPerSecPerManager: number;
  killToUnreachableMs: number;
  restartToReachableMs: number;
  leaveToUnreachableMs: number;
}

/** Reachability by hostname in a node.ls answer ("leader", "reachable", "unreachable"). */
function reachability(nodes: unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes as { Description?: { Hostname?: string }; ManagerStatus?: Record<string, unknown> }[]) {
    const host = n.Description?.Hostname;
    const ms = n.ManagerStatus;
    if (host && ms) out.set(host, ms.Leader === true ? "leader" : String(ms.Reachability));
  }
  return out;
}

async function runOne(profile: ProfileName, idleSeconds: number, pollMs: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "swarmbus-unreachable-"));
  const nats = await startNatsServer();
  const nc: NatsConnection = await connectBus(nats, "swarmbus-unreachable-bench");
  const daemons = new Map<string, DaemonProcess>();
  const addrs = new Map<string, string>();
  const spawn = async (name: string) => {
    const d = spawnDaemon({
      name,
      stateDir: join(dir, name),
      natsUrl: nats.url,
      natsCreds: await nats.credsForNode(name),
      listenAddr: addrs.get(name),
      profile,
      logFile: join(dir, `${name}.log`),
    });
    daemons.set(name, d);
    return until(() => callDaemon(nc, name, "info", {}, { timeoutMs: 2000 }), 60_000, `${name} info`);
  };
  const ls = async (on: string) => reachability((await callDaemon(nc, on, "node.ls", {}, { timeoutMs: 1000 })).nodes);
  /** ms from now until node.ls on `on` shows `host` as `state`. */
  const timeUntil = async (on: string, host: string, state: string) => {
    const t0 = performance.now();
    await until(
      async () => ((await ls(on)).get(host) === state ? true : undefined),
      60_000,
      `${host} ${state}`,
      pollMs,
    );
    return performance.now() - t0;
  };
  try {
    for (const m of MANAGERS) addrs.set(m, `127.0.0.1:${await freePort()}`);
    await Promise.all(MANAGERS.map(spawn));
    const [first, a, b] = MANAGERS;
    await callDaemon(nc, first, "init", { listenAddr: addrs.get(first) }, { timeoutMs: 60_000 });
    const { token } = await callDaemon(nc, first, "join-token", { role: "manager" }, { timeoutMs: 20_000 });
    for (const m of [a, b]) {
      const remoteAddr = addrs.get(first) as string;
      await callDaemon(nc, m, "join", { token, remoteAddr, listenAddr: addrs.get(m) }, { timeoutMs: 60_000 });
    }
    await until(
      async () => ([...(await ls(first)).values()].filter((s) => s === "reachable").length === 2 ? true : undefined),
      60_000,
      "two reachable followers",
    );

    let raftMsgs = 0;
    const sub = nc.subscribe(`${busPrefix()}.cluster.*.raft.*`, {
      callback: () => {
        raftMsgs++;
      },
    });
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    sub.unsubscribe();

    const victim = daemons.get(a) as DaemonProcess;
    victim.kill("SIGKILL");
    const killToUnreachableMs = await timeUntil(first, a, "unreachable");
    await victim.exited;
    const t0 = performance.now();
    await spawn(a);
    await timeUntil(first, a, "reachable");
    const restartToReachableMs = performance.now() - t0;
    await callDaemon(nc, b, "leave", { force: true }, { timeoutMs: 60_000 });
    const leaveToUnreachableMs = await timeUntil(first, b, "unreachable");
    return {
      profile,
      raftMsgsPerSecPerManager: raftMsgs / idleSeconds / MANAGERS.length,
      killToUnreachableMs,
      restartToReachableMs,
      leaveToUnreachableMs,
    };
  } finally {
    await Promise.all([...daemons.values()].map((d) => d.stop(2000)));
    await nc.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      profile: { type: "string", default: "fast,swarm" },
      idle: { type: "string", default: "5" },
      "poll-interval": { type: "string", default: "10" },
    },
  });
  const runs: Run[] = [];
  for (const p of values.profile.split(",") as ProfileName[]) {
    for (let i = 0; i < Number(values.runs); i++) {
      const r = await runOne(p, Number(values.idle), Number(values["poll-interval"]));
      console.error(JSON.stringify(r));
      runs.push(r);
    }
  }
  const f = (v: number) => String(Math.round(v));
  console.log("profile  runs  raft msgs/s/manager  kill→Unreachable p50/max ms  leave→Unreachable p50/max ms");
  for (const p of new Set(runs.map((r) => r.profile))) {
    const mine = runs.filter((r) => r.profile === p);
    const col = (k: keyof Run) => mine.map((r) => r[k] as number);
    const pm = (k: keyof Run) => `${f(percentile(col(k), 50))}/${f(Math.max(...col(k)))}`;
    console.log(
      `${p.padEnd(7)}  ${String(mine.length).padStart(4)}  ${f(percentile(col("raftMsgsPerSecPerManager"), 50)).padStart(19)}  ${pm("killToUnreachableMs").padStart(26)}  ${pm("leaveToUnreachableMs").padStart(27)}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

// A 3-member etcd cluster on loopback for benchmarks: each member its own process, client and
// peer port on 127.0.0.1, data dir under one temp dir, etcd's default fsync (no --unsafe-no-fsync).
// Started and stopped by the benchmark; never part of `npm test`.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../src/net/free-port.ts";
import { runDir } from "./support/run-dir.ts";

export const ETCD_INSTALL_HINT =
  "etcd not found on PATH: install Debian's etcd (as root: apt-get update && apt-get install -y etcd-server etcd-client) or set ETCD=/path/to/etcd";

/** Where etcd lives: $ETCD, else PATH; undefined if neither has it. */
export function etcdBinary(): string | undefined {
  if (process.env.ETCD) return existsSync(process.env.ETCD) ? process.env.ETCD : undefined;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "etcd"))) return join(dir, "etcd");
  }
  return undefined;
}

/** `etcd --version`'s first line without the prefix, e.g. "3.4.23"; "unknown" if it cannot be read. */
export function etcdVersion(binary: string): string {
  try {
    const out = execFileSync(binary, ["--version"], { encoding: "utf8" });
    return /etcd Version:\s*(\S+)/.exec(out)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly pid: number;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** The temp dir holding every member's data dir and log. */
  readonly dir: string;
  readonly version: string;
  /** The client URL of the current leader (asks every member's status). */
  leaderClientUrl(): Promise<string>;
  /** Stops every member (SIGTERM, SIGKILL after `graceMs`); removes the dir unless `keep`. */
  stop(opts?: { keep?: boolean; graceMs?: number }): Promise<void>;
}

export interface EtcdClusterOptions {
  size?: number;
  /** Parent of the temp dir (default the OS temp dir): put it on the disk you want to measure. */
  stateRoot?: string;
  /** How long to wait until every member reports healthy. */
  startTimeoutMs?: number;
}

/** Children still alive, killed on process exit so a crashed benchmark leaves no etcd behind. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

async function getJson(url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    signal: AbortSignal.timeout(2000),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const j = (await getJson(`${clientUrl}/health`)) as { health?: unknown };
    return j.health === "true" || j.health === true;
  } catch {
    return false;
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Starts `size` (default 3) etcd members on loopback as one new cluster and resolves once every
 * member answers /health with true (so a leader is elected and the cluster commits).
 */
export async function startEtcdCluster(opts: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const binary = etcdBinary();
  if (!binary) throw new Error(ETCD_INSTALL_HINT);
  installExitHook();
  const size = opts.size ?? 3;
  const dir = runDir(opts.stateRoot ?? tmpdir(), "swarmbus-etcd-bench-");
  const specs: { name: string; clientPort: number; peerPort: number }[] = [];
  const taken = new Set<number>();
  const nextPort = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  for (let i = 1; i <= size; i++)
    specs.push({ name: `m${i}`, clientPort: await nextPort(), peerPort: await nextPort() });
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peerPort}`).join(",");
  const token = `swarmbus-bench-${process.pid}-${Date.now()}`;

  const children: ChildProcess[] = [];
  const members: EtcdMember[] = [];
  const stopAll = async (graceMs: number) => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    for (const c of children) {
      if (!(await waitExit(c, graceMs))) {
        c.kill("SIGKILL");
        await waitExit(c, 2000);
      }
      live.delete(c);
    }
  };

  try {
    for (const s of specs) {
      const clientUrl = `http://127.0.0.1:${s.clientPort}`;
      const peerUrl = `http://127.0.0.1:${s.peerPort}`;
      const dataDir = join(dir, s.name);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const logFile = join(dir, `${s.name}.log`);
      const fd = openSync(logFile, "a");
      const child = spawn(
        binary,
        [
          "--name",
          s.name,
          "--data-dir",
          dataDir,
          "--listen-client-urls",
          clientUrl,
          "--advertise-client-urls",
          clientUrl,
          "--listen-peer-urls",
          peerUrl,
          "--initial-advertise-peer-urls",
          peerUrl,
          "--initial-cluster",
          initialCluster,
          "--initial-cluster-state",
          "new",
          "--initial-cluster-token",
          token,
          "--logger",
          "zap",
          "--log-outputs",
          "stderr",
        ],
        // No inherited ETCD_* settings: the flags above are the whole configuration.
        {
          stdio: ["ignore", fd, fd],
          env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ETCD_"))),
        },
      );
      closeSync(fd);
      if (child.pid === undefined) throw new Error(`etcd ${s.name} did not start (${binary})`);
      children.push(child);
      live.add(child);
      members.push({ name: s.name, clientUrl, peerUrl, dataDir, logFile, pid: child.pid });
    }

    const timeoutMs = opts.startTimeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    for (const m of members) {
      for (;;) {
        const child = children[members.indexOf(m)];
        if (child && (child.exitCode !== null || child.signalCode !== null)) {
          throw new Error(`etcd ${m.name} exited (${child.exitCode ?? child.signalCode}):\n${tail(m.logFile)}`);
        }
        if (await healthy(m.clientUrl)) break;
        if (Date.now() > deadline) {
          throw new Error(`etcd ${m.name} not healthy within ${timeoutMs} ms:\n${tail(m.logFile)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } catch (err) {
    await stopAll(2000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    members,
    dir,
    version: etcdVersion(binary),
    async leaderClientUrl() {
      for (const m of members) {
        try {
          const st = (await getJson(`${m.clientUrl}/v3/maintenance/status`, {})) as {
            header?: { member_id?: string };
            leader?: string;
          };
          if (st.leader && st.header?.member_id === st.leader) return m.clientUrl;
        } catch {
          // a member that does not answer is not the leader we want
        }
      }
      throw new Error("no etcd member reports itself leader");
    },
    async stop(o = {}) {
      await stopAll(o.graceMs ?? 5000);
      if (!o.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

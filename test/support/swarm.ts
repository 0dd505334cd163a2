import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import { cliEntry, type DaemonProcess, spawnDaemon } from "../../src/cli/daemon-process.ts";
import { waitFor } from "./wait-for.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A real swarm for end-to-end tests: a nats-server on a free port, daemons as
 * child processes with state dirs in a temp dir, and the CLI run as a process,
 * exactly as a user runs it.
 */
export class TestSwarm {
  readonly daemons = new Map<string, DaemonProcess>();
  private constructor(
    readonly nats: NatsServerHandle,
    readonly dir: string,
  ) {}

  static async start(): Promise<TestSwarm> {
    const nats = await startNatsServer();
    return new TestSwarm(nats, mkdtempSync(join(tmpdir(), "swarmbus-e2e-")));
  }

  /** Starts (or restarts, with the same state dir) a daemon and waits until it answers `info`. */
  async daemon(name: string, opts: { listenPort?: number } = {}): Promise<DaemonProcess> {
    const d = spawnDaemon({
      name,
      stateDir: join(this.dir, name),
      natsUrl: this.nats.url,
      ...(opts.listenPort !== undefined ? { listenAddr: `127.0.0.1:${opts.listenPort}` } : {}),
      profile: "fast",
      logFile: join(this.dir, `${name}.log`),
    });
    this.daemons.set(name, d);
    let exited = false;
    void d.exited.then(() => {
      exited = true;
    });
    await waitFor(
      async () => {
        if (exited) throw new Error(`daemon ${name} exited; see ${join(this.dir, `${name}.log`)}`);
        return (await this.cli(name, "info", "--format", "json")).code === 0;
      },
      { timeoutMs: 20_000, what: `daemon ${name} to answer info`, intervalMs: 100 },
    );
    return d;
  }

  /** Runs `swarmbus --node NODE ARGS…` as a process. */
  cli(node: string | undefined, ...args: string[]): Promise<CliResult> {
    const argv = ["--import", "tsx", cliEntry, "--nats", this.nats.url, ...(node ? ["--node", node] : []), ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"], env: cleanEnv() });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.once("error", reject);
      child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  async json<T>(node: string, ...args: string[]): Promise<T> {
    const r = await this.cli(node, ...args);
    if (r.code !== 0) throw new Error(`swarmbus ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  /** Manager m1 on a free-ish port, initialized; returns the worker join token and address. */
  async initManager(name: string, port: number): Promise<{ token: string; addr: string }> {
    await this.daemon(name, { listenPort: port });
    const init = await this.cli(name, "swarm", "init", "--listen-addr", `127.0.0.1:${port}`);
    if (init.code !== 0) throw new Error(`swarm init failed: ${init.stderr}`);
    const token = (await this.cli(name, "swarm", "join-token", "-q", "worker")).stdout.trim();
    return { token, addr: `127.0.0.1:${port}` };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.daemons.values()].map((d) => d.stop(3000)));
    await this.nats.stop();
    if (!process.env.SWARMBUS_KEEP_TEST_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SWARMBUS_NODE;
  delete env.SWARMBUS_NATS;
  return env;
}

/** A free TCP port on loopback, from the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

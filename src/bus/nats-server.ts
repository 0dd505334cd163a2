import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rpcError } from "../rpc/status.ts";

export interface NatsServerHandle {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** A config file (nats.conf); without it the server listens on a free loopback port. */
  config?: string;
  /** A fixed client port (e.g. to restart a server where clients expect it); default: a free one. */
  port?: number;
  /** How long to wait for "Server is ready". */
  startTimeoutMs?: number;
  /** The server's max_payload in bytes (default 1 MB), e.g. small to exercise chunked replies; not with `config`. */
  maxPayload?: number;
}

/** Where nats-server lives: $NATS_SERVER, PATH, or Debian's /usr/sbin. */
export function natsServerBinary(): string {
  if (process.env.NATS_SERVER) return process.env.NATS_SERVER;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(`${dir}/nats-server`)) return `${dir}/nats-server`;
  }
  if (existsSync("/usr/sbin/nats-server")) return "/usr/sbin/nats-server";
  throw rpcError(
    "FailedPrecondition",
    "nats-server not found: install it (apt-get install -y nats-server) or set NATS_SERVER",
  );
}

/**
 * Starts a real nats-server and resolves once it accepts clients. The client URL
 * is read from the server's own log line, so `-p -1` (a free port) works.
 */
export function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const args = opts.config ? ["-c", opts.config] : ["-a", "127.0.0.1", "-p", String(opts.port ?? -1)];
  let tempDir: string | undefined;
  if (opts.maxPayload !== undefined) {
    if (opts.config)
      return Promise.reject(
        rpcError("InvalidArgument", "maxPayload cannot be combined with a config file: set it there"),
      );
    if (!Number.isInteger(opts.maxPayload) || opts.maxPayload < 1) {
      return Promise.reject(new RangeError(`maxPayload must be a positive integer, got ${opts.maxPayload}`));
    }
    // nats-server has no flag for it; the flags above still set address and port.
    tempDir = mkdtempSync(join(tmpdir(), "swarmbus-nats-"));
    writeFileSync(join(tempDir, "nats.conf"), `max_payload: ${opts.maxPayload}\n`);
    args.push("-c", join(tempDir, "nats.conf"));
  }
  const removeTemp = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  const child = spawn(natsServerBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  // Kept while the server runs (a config reload reads it again).
  child.once("exit", removeTemp);
  child.once("error", removeTemp);
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let log = "";
    let url: string | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(rpcError("DeadlineExceeded", `nats-server did not become ready within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /Listening for client connections on ([\d.]+|\[[^\]]+\]|[\w.-]+):(\d+)/.exec(log);
      if (m && !url) url = `nats://${m[1] === "0.0.0.0" ? "127.0.0.1" : m[1]}:${m[2]}`;
      if (url && log.includes("Server is ready")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(handle(child, url));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!url) reject(rpcError("Unavailable", `nats-server exited with code ${code} before it was ready:\n${log}`));
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function handle(child: ChildProcess, url: string): NatsServerHandle {
  return {
    url,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

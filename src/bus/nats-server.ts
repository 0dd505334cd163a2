import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { rpcError } from "../rpc/status.ts";
import { issueDaemonCreds } from "./auth/node-credentials.ts";
import { busTrust, initBusTrust } from "./auth/trust-root.ts";
import type { BusEndpoint } from "./connection.ts";

export interface NatsServerHandle extends BusEndpoint {
  readonly url: string;
  readonly pid: number;
  /** The local admin's credentials (what the CLI and a test's own clients connect with). */
  readonly creds: string;
  /** The trust root the server runs with (`swarmbus bus init`'s directory). */
  readonly trustDir: string;
  /** The credentials the daemon `nodeName` connects with (issued now: only its own subjects). */
  credsForNode(nodeName: string): Promise<string>;
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /**
   * A config file (nats.conf) that includes the auth.conf of `trustDir`; without it
   * the server listens on a free loopback port with the auth.conf of `trustDir`.
   */
  config?: string;
  /**
   * The trust root (`swarmbus bus init`'s directory); required with `config`.
   * Default: a new one in a temp dir, removed when the server exits.
   */
  trustDir?: string;
  /** TLS on the client port (default); false only to measure what it costs. Not with `trustDir`. */
  clientTls?: boolean;
  /** A fixed client port (e.g. to restart a server where clients expect it); default: a free one. */
  port?: number;
  /** How long to wait for "Server is ready". */
  startTimeoutMs?: number;
  /**
   * A command the server is started through, e.g. `["ip", "netns", "exec", "ns1"]` to run it in a
   * network namespace (it must exec the server, so the handle's pid and signals are the server's).
   */
  launcher?: readonly string[];
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
 * Starts a real nats-server with authentication (operator mode, see src/bus/auth/)
 * and resolves once it accepts clients. The client URL is read from the server's
 * own log line, so `-p -1` (a free port) works.
 */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  if (opts.config && opts.maxPayload !== undefined)
    throw rpcError("InvalidArgument", "maxPayload cannot be combined with a config file: set it there");
  if (opts.config && !opts.trustDir)
    throw rpcError("InvalidArgument", "a config file needs the trustDir its auth.conf comes from");
  if (opts.maxPayload !== undefined && (!Number.isInteger(opts.maxPayload) || opts.maxPayload < 1)) {
    throw new RangeError(`maxPayload must be a positive integer, got ${opts.maxPayload}`);
  }
  const tempDir = opts.config ? undefined : mkdtempSync(join(tmpdir(), "swarmbus-nats-"));
  const removeTemp = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  let trustDir = opts.trustDir ?? "";
  const args = opts.config ? ["-c", opts.config] : ["-a", "127.0.0.1", "-p", String(opts.port ?? -1)];
  if (tempDir) {
    try {
      trustDir ||= (await initBusTrust(join(tempDir, "bus"), { tls: opts.clientTls !== false })).dir;
    } catch (e) {
      removeTemp();
      throw e;
    }
    // The flags above still set address and port; max_payload has no flag. nats-server reads
    // an include's path relative to the including file, even one that starts with "/".
    const lines = [`include ${JSON.stringify(relative(tempDir, busTrust(trustDir).authConfig))}`];
    if (opts.maxPayload !== undefined) lines.push(`max_payload: ${opts.maxPayload}`);
    writeFileSync(join(tempDir, "nats.conf"), `${lines.join("\n")}\n`);
    args.push("-c", join(tempDir, "nats.conf"));
  }
  const [command, ...pre] = [...(opts.launcher ?? []), natsServerBinary()];
  const child = spawn(command ?? "", [...pre, ...args], { stdio: ["ignore", "pipe", "pipe"] });
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
        resolve(handle(child, url, trustDir));
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

function handle(child: ChildProcess, url: string, trustDir: string): NatsServerHandle {
  return {
    url,
    pid: child.pid ?? -1,
    creds: busTrust(trustDir).adminCreds,
    // A trust root made without TLS (clientTls: false) has no bus CA: its clients connect in clear.
    ca: existsSync(busTrust(trustDir).busCa) ? busTrust(trustDir).busCa : undefined,
    trustDir,
    credsForNode: (nodeName) => issueDaemonCreds(trustDir, nodeName),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

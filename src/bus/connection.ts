import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { connect, createInbox, credsAuthenticator, errors, type NatsConnection } from "@nats-io/transport-node";
import { rpcError } from "../rpc/status.ts";
import { TRUST_FILES } from "./auth/trust-files.ts";
import { parseNatsServers } from "./nats-servers.ts";

/** Between two reconnect attempts (plus up to RECONNECT_JITTER_MS): quick enough for a restarted local server. */
export const RECONNECT_WAIT_MS = 500;
export const RECONNECT_JITTER_MS = 250;
/**
 * How long the first connect may take before it fails. A refused connection fails at once; this
 * bounds one that hangs. 5 s was missed on loopback by CLI processes on a starved 2-core machine
 * (load 10+: the TLS handshake and a node process's start share the CPU with everything else).
 */
export const CONNECT_TIMEOUT_MS = 15_000;

/** Where the bus is and who connects: a NATS URL and a `.creds` file (user JWT + nkey seed). */
export interface BusEndpoint {
  /** One NATS URL, or the servers of one NATS cluster as `URL,URL,…` (see nats-servers.ts). */
  url: string;
  /** Without it the client is anonymous, which an authenticated server refuses. */
  creds?: string | undefined;
  /**
   * The CA the server's TLS certificate must chain to (`bus-ca.crt` of `swarmbus bus init`).
   * Default: the one of the trust root the credentials were issued from, when found beside them.
   */
  ca?: string | undefined;
}

/**
 * The bus CA a client uses: the one given, else `bus-ca.crt` in the credentials'
 * directory or its parent (`<root>/admin.creds`, `<root>/daemons/<name>.creds`).
 */
export function busCaOf(bus: BusEndpoint): string | undefined {
  if (bus.ca) return bus.ca;
  if (!bus.creds) return undefined;
  const dir = dirname(resolve(bus.creds));
  return [join(dir, TRUST_FILES.busCaCert), join(dirname(dir), TRUST_FILES.busCaCert)].find((f) => existsSync(f));
}

/**
 * One connection per daemon (or CLI call). It reconnects forever, so a daemon
 * survives a nats-server restart, and with a list of a cluster's servers the loss
 * of any of them; only the first connect can fail, with Unavailable `cannot reach
 * the NATS server at <url>: <why>` (`any NATS server of <list>`), or Unauthenticated
 * when the server refuses the client's credentials (or its lack of them).
 */
export async function connectBus(
  bus: BusEndpoint,
  clientName: string,
  opts: {
    timeoutMs?: number;
    /**
     * Where this connection's replies come (`inboxPrefixOf(identity)`): the only
     * inboxes its credentials may subscribe to. Default: NATS's `_INBOX`.
     */
    inboxPrefix?: string;
  } = {},
): Promise<NatsConnection> {
  const authenticator = bus.creds ? followingCreds(bus.creds) : undefined;
  const ca = busCaOf(bus);
  const servers = parseNatsServers(bus.url);
  const where = servers.length === 1 ? `the NATS server at ${bus.url}` : `any NATS server of ${servers.join(", ")}`;
  try {
    const nc = await connect({
      // One URL is passed as it was given; a list is tried in its order (the first is the nearest, e.g. the host's own).
      ...(servers.length === 1 ? { servers: bus.url } : { servers, noRandomize: true }),
      name: clientName,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      reconnectJitter: RECONNECT_JITTER_MS,
      timeout: opts.timeoutMs ?? CONNECT_TIMEOUT_MS,
      ...(authenticator ? { authenticator } : {}),
      ...(opts.inboxPrefix ? { inboxPrefix: opts.inboxPrefix } : {}),
      ...(ca ? { tls: { caFile: ca } } : {}),
    });
    if (opts.inboxPrefix) inboxPrefixes.set(nc, opts.inboxPrefix);
    return nc;
  } catch (e) {
    if (e instanceof errors.AuthorizationError) throw refused(bus, e);
    if (/certificate|self.signed|tls/i.test(reason(e))) {
      throw rpcError(
        "Unavailable",
        `cannot reach ${where} over TLS: ${reason(e)}; ` +
          `${ca ? `is ${ca} the CA of its trust root?` : "pass --nats-ca FILE (bus-ca.crt of swarmbus bus init) or set SWARMBUS_NATS_CA"}`,
        { plain: true },
      );
    }
    throw rpcError("Unavailable", `cannot reach ${where}: ${reason(e)}`, { plain: true });
  }
}

const inboxPrefixes = new WeakMap<NatsConnection, string>();

/**
 * A new inbox subject of `nc`, under the inbox prefix it was connected with:
 * what every reply subject a client listens on must be made with (nc.request
 * does so itself), since the server refuses a subscription elsewhere.
 */
export function inboxOf(nc: NatsConnection): string {
  return createInbox(inboxPrefixes.get(nc));
}

/** The URL of the server `nc` is connected to, as `nats://host:port` (for messages). */
export function serverUrl(nc: NatsConnection): string {
  const s = nc.getServer();
  return /^\w+:\/\//.test(s) ? s : `nats://${s}`;
}

/**
 * The file is read again at every (re)connect, so a renewed credential (a
 * manager's, renewed with its certificate) is the one a reconnect presents;
 * a file that cannot be read then keeps the last one read. The first read
 * must succeed.
 */
function followingCreds(path: string) {
  let last = readCreds(path);
  return credsAuthenticator(() => {
    try {
      last = readFileSync(path);
    } catch {
      // Mid-replacement or gone: the server judges the last credential read.
    }
    return last;
  });
}

function readCreds(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw rpcError("FailedPrecondition", `cannot read the NATS credentials ${path}: ${reason(e)}`, { plain: true });
  }
}

function refused(bus: BusEndpoint, e: Error) {
  const why = bus.creds
    ? `refused the credentials in ${bus.creds}`
    : "refused a client without credentials; pass --nats-creds FILE or set SWARMBUS_NATS_CREDS (swarmbus bus init writes them)";
  return rpcError("Unauthenticated", `the NATS server at ${bus.url} ${why}: ${e.message}`, { plain: true });
}

function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause && !e.message.includes(cause) ? `${e.message} (${cause})` : e.message;
}

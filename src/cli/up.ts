import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { defaultBusDir } from "../bus/auth/default-dir.ts";
import { issueDaemonCreds } from "../bus/auth/node-credentials.ts";
import { busTrust, hasBusTrust, initBusTrust } from "../bus/auth/trust-root.ts";
import { connectBus } from "../bus/connection.ts";
import { callDaemon } from "../bus/daemon-client.ts";
import type { DaemonRequest, DaemonResults, DaemonVerb } from "../bus/daemon-contract.ts";
import { type NatsServerHandle, startNatsServer } from "../bus/nats-server.ts";
import { type Dashboard, startDashboard } from "../inspect/dashboard/index.ts";
import { type InspectorRelay, startInspectorRelay } from "../inspect/stately/relay.ts";
import { repoRoot } from "../process/cli-command.ts";
import { type DaemonProcess, spawnDaemon } from "../process/daemon-process.ts";
import { isRpcError, rpcError } from "../rpc/status.ts";
import { formatSwarmInfo } from "./format/info.ts";
import { formatNodeLs, NodeRow } from "./format/node-ls.ts";

export interface UpOptions {
  workers: number;
  profile: "fast" | "swarm";
  stateRoot: string;
  keepState: boolean;
  natsUrl: string;
  /** Stream every daemon's actors to Stately's inspector: true starts a relay here, a ws:// URL uses that one. */
  inspect?: true | string;
}

/**
 * `npm start`: nats-server from nats.conf, one manager and N workers as daemon processes, until Ctrl-C.
 * The bus is authenticated: the trust root in .state/bus (nats.conf includes its auth.conf) is
 * written first when missing, as `swarmbus bus init` does; this process and the daemons connect with its credentials.
 */
export async function runUp(opts: UpOptions): Promise<void> {
  const stateRoot = resolve(opts.stateRoot);
  if (!opts.keepState) rmSync(stateRoot, { recursive: true, force: true });

  // One relay for every daemon, started before them so their first events reach it.
  let relay: InspectorRelay | undefined;
  if (opts.inspect === true) relay = await startInspectorRelay();
  const inspect = relay?.url ?? (typeof opts.inspect === "string" ? opts.inspect : undefined);
  if (relay) say(`Stately inspector: open ${relay.viewerUrl}`);

  const busDir = defaultBusDir();
  if (!hasBusTrust(busDir)) {
    say(`writing the bus's trust root (swarmbus bus init --dir ${busDir})`);
    await initBusTrust(busDir, { force: true });
  }
  const creds = busTrust(busDir).adminCreds;
  let server: NatsServerHandle | undefined;
  let nc = await tryConnect(opts.natsUrl, creds);
  if (!nc) {
    say(`starting nats-server -c nats.conf`);
    // The checkout's nats.conf (not the build's copy): its include names .state/bus beside it.
    server = await startNatsServer({ config: join(repoRoot, "nats.conf"), trustDir: busDir });
    nc = await connectBus(server, "swarmbus-up");
  } else {
    say(`using the NATS server already at ${opts.natsUrl}`);
  }
  const natsUrl = server?.url ?? opts.natsUrl;

  const names = ["m1", ...Array.from({ length: opts.workers }, (_, i) => `w${i + 1}`)];
  const daemonCreds = await Promise.all(names.map((name) => issueDaemonCreds(busDir, name)));
  const daemons: DaemonProcess[] = names.map((name, i) =>
    spawnDaemon({
      name,
      stateDir: join(stateRoot, name),
      natsUrl,
      natsCreds: daemonCreds[i] ?? "",
      listenAddr: `127.0.0.1:${2377 + i}`,
      profile: opts.profile,
      logFile: join(stateRoot, `${name}.log`),
      ...(inspect ? { inspect } : {}),
    }),
  );
  say(`started daemons ${names.join(", ")} (${opts.profile} profile; logs in ${stateRoot}/<name>.log)`);

  let stopping = false;
  let dashboard: Dashboard | undefined;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    say("stopping the swarm…");
    await dashboard?.close();
    await Promise.all(daemons.map((d) => d.stop()));
    await nc?.close();
    await server?.stop();
    await relay?.stop();
    say("stopped.");
  };
  const onSignal = () => {
    void stopAll().then(() => process.exit(0));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const conn = nc;
    const call = <V extends DaemonVerb>(node: string, verb: V, req: DaemonRequest<V>): Promise<DaemonResults[V]> =>
      callDaemon(conn, node, verb, req, { timeoutMs: 60_000 });
    for (const d of daemons) await waitAnswering(() => call(d.name, "info", {}), d);

    const manager = names[0]!;
    if ((await call(manager, "info", {})).LocalNodeState === "inactive") {
      const r = await call(manager, "init", { listenAddr: "127.0.0.1:2377" });
      say(`Swarm initialized: current node (${r.nodeId}) is now a manager.`);
    }
    const { token, advertiseAddr } = await call(manager, "join-token", { role: "worker" });
    for (const w of names.slice(1)) {
      if ((await call(w, "info", {})).LocalNodeState !== "inactive") continue;
      const r = await call(w, "join", { token, remoteAddr: advertiseAddr });
      say(`${w}: This node joined a swarm as a ${r.role}.`);
    }
    await waitAllReady(() => call(manager, "node.ls", {}), names.length);

    process.stdout.write(`\n$ swarmbus --node ${manager} info\n${formatSwarmInfo(await call(manager, "info", {}))}\n`);
    const ls = await call(manager, "node.ls", {});
    const rows = ls.nodes.map((n) => NodeRow.parse(n));
    process.stdout.write(`\n$ swarmbus --node ${manager} node ls\n${formatNodeLs(rows, ls.self)}\n\n`);
    dashboard = await startDashboard({ nc: conn, port: 8080, orFreePort: true });
    say(`dashboard: ${dashboard.url}`);
    say(`the swarm is up. In another terminal: npx swarmbus --node ${manager} node ls   (Ctrl-C here stops it)`);
  } catch (e) {
    await stopAll();
    throw e;
  }
  // Run until a signal; a daemon that dies is reported, the rest keep running.
  for (const d of daemons) {
    void d.exited.then((code) => {
      if (!stopping) say(`daemon ${d.name} exited (${code}); see ${d.options.logFile}`);
    });
  }
  await new Promise<never>(() => {});
}

function say(msg: string): void {
  process.stderr.write(`swarmbus up: ${msg}\n`);
}

/** A server already at `url` (refusing our credentials is an error, not a reason to start another). */
async function tryConnect(url: string, creds: string): Promise<NatsConnection | undefined> {
  try {
    return await connectBus({ url, creds }, "swarmbus-up", { timeoutMs: 1000 });
  } catch (e) {
    if (isRpcError(e, "Unavailable")) return undefined;
    throw e;
  }
}

/** A daemon answers once its bus subscription is up; a dead process is an error at once. */
async function waitAnswering(probe: () => Promise<unknown>, d: DaemonProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void d.exited.then(() => {
    dead = true;
  });
  for (;;) {
    if (dead) throw rpcError("Unavailable", `daemon ${d.name} exited during start-up; see ${d.options.logFile}`);
    try {
      await probe();
      return;
    } catch (e) {
      if (Date.now() > deadline)
        throw rpcError("DeadlineExceeded", `daemon ${d.name} did not answer within ${timeoutMs} ms: ${e}`);
      if (!isRpcError(e, "Unavailable")) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitAllReady(list: () => Promise<{ nodes: unknown[] }>, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { nodes } = await list();
    const ready = nodes.map((n) => NodeRow.parse(n)).filter((n) => n.Status.State === "ready").length;
    if (ready >= count) return;
    if (Date.now() > deadline)
      throw rpcError("DeadlineExceeded", `only ${ready} of ${count} nodes became Ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { dirname } from "node:path";
import type { Logger } from "pino";
import type { StoredAccountSigner } from "../bus/auth/manager-credentials.ts";
import { inboxPrefixOf } from "../bus/auth/permissions.ts";
import { hasAccountSigner, readAccountSigner } from "../bus/auth/trust-root.ts";
import { busCaOf, connectBus } from "../bus/connection.ts";
import { serveDaemonApi } from "../bus/daemon-server.ts";
import { checkFailpoints } from "../config/failpoints.ts";
import type { TimingProfile } from "../config/profile.ts";
import { daemonLogger } from "../log.ts";
import type { StorageFs } from "../raft/storage/index.ts";
import { rpcError } from "../rpc/status.ts";
import { ControlAccess } from "./api/control-access.ts";
import { daemonHandlers } from "./api/handlers.ts";
import { ActorWiring } from "./daemon/actor-wiring.ts";
import { answerDiscovery } from "./daemon/discovery.ts";
import { stopOnSignals } from "./daemon/signals.ts";
import { NodeRuntime } from "./runtime/node-runtime.ts";
import { untilStartSettled } from "./runtime/until-start-settled.ts";
import { readStartConfig } from "./start-config-file.ts";
import { readNodeCertificate, swarmDirOf } from "./state-dir.ts";

export interface DaemonOptions {
  name: string;
  stateDir: string;
  natsUrl: string;
  /** The daemon's NATS credentials (.creds); an authenticated server refuses a daemon without them. */
  natsCreds: string | undefined;
  /** The bus's CA (TLS on the client port); default: bus-ca.crt beside the credentials. */
  natsCa?: string | undefined;
  /**
   * The directory holding the swarm NATS account's signer (swarm-account.jwt and
   * swarm-account-signing.nk, as `swarmbus bus init` writes them): `swarm init`
   * puts it in the cluster object so the managers issue bus credentials.
   * Default: the directory of `natsCreds` when it holds them.
   */
  natsAccountSigner?: string;
  listenAddr?: string;
  advertiseAddr?: string;
  profile: TimingProfile;
  /** A Stately inspector relay (ws://…): every actor's inspection events go there. */
  inspect?: string;
  /** The file operations of the manager's Raft storage (a faulty disk in tests); node:fs by default. */
  raftFs?: StorageFs;
}

export interface DaemonHandle {
  stop(): Promise<void>;
}

/** The signer `swarm init` hands to a new cluster: --nats-account-signer's, or the one beside the daemon's creds. */
function natsSignerOption(opts: DaemonOptions, log: Logger): { natsSigner?: StoredAccountSigner } {
  // `bus init`'s layout: <root>/admin.creds, <root>/daemons/<name>.creds.
  const beside = opts.natsCreds ? [dirname(opts.natsCreds), dirname(dirname(opts.natsCreds))] : [];
  const dir = opts.natsAccountSigner ?? beside.find((d) => hasAccountSigner(d));
  if (dir === undefined || !hasAccountSigner(dir)) {
    if (opts.natsAccountSigner !== undefined) {
      throw rpcError(
        "FailedPrecondition",
        `${opts.natsAccountSigner} holds no swarm NATS account signer (swarm-account.jwt, swarm-account-signing.nk)`,
        { plain: true },
      );
    }
    return {};
  }
  log.debug({ dir }, "swarm NATS account signer found");
  return { natsSigner: readAccountSigner(dir) };
}

/** moby: Leave stops the node with a 15 s timeout. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * One node = one daemon (like dockerd): the node and clusterState actors, the
 * CLI → daemon API on NATS, and the swarm it finds in its state dir.
 */
export async function runDaemon(opts: DaemonOptions): Promise<DaemonHandle> {
  const log = daemonLogger(opts.name);
  checkFailpoints();
  const swarmDir = swarmDirOf(opts.stateDir);
  // A corrupt docker-state.json stops the daemon here with an error naming the file.
  const startConfig = await readStartConfig(swarmDir);
  const hasSwarm = (await readNodeCertificate(swarmDir)) !== null;

  const signer = natsSignerOption(opts, log);
  const bus = {
    url: opts.natsUrl,
    creds: opts.natsCreds,
    ca: busCaOf({ url: opts.natsUrl, creds: opts.natsCreds, ca: opts.natsCa }),
  };
  const nc = await connectBus(bus, `swarmbus-daemon-${opts.name}`, {
    inboxPrefix: inboxPrefixOf({ role: "daemon", name: opts.name }),
  });
  const actors = new ActorWiring(nc, opts.name, log, opts.inspect);
  const rt = new NodeRuntime({
    name: opts.name,
    swarmDir,
    profile: opts.profile,
    log,
    ...(opts.listenAddr ? { listenAddr: opts.listenAddr } : {}),
    ...(opts.advertiseAddr ? { advertiseAddr: opts.advertiseAddr } : {}),
    startConfig,
    onActor: actors.onActor,
    nc,
    natsUrl: opts.natsUrl,
    natsCa: bus.ca,
    ...signer,
    ...(opts.raftFs ? { raftFs: opts.raftFs } : {}),
  });
  rt.start();

  const handlers = daemonHandlers({
    rt,
    access: new ControlAccess(rt, nc, opts.profile.requestTimeoutMs),
    profile: opts.profile,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    transitions: () => actors.transitions(),
  });
  // moby Cluster.Start: with a swarm to resume, the API serves once that node is ready (or failed),
  // at most swarmConnectTimeout; the requests that come before wait.
  let openApi = () => {};
  const apiReady = new Promise<void>((resolve) => {
    openApi = resolve;
  });
  const server = serveDaemonApi(nc, opts.name, handlers, { log, ready: apiReady });
  const discovery = answerDiscovery(nc, opts.name, log);
  // The subscription is on the server before anyone is told the daemon runs.
  await nc.flush();
  if (hasSwarm) {
    rt.resume();
    void untilStartSettled(rt.clusterState, opts.profile.joinTimeoutMs).then(openApi);
  } else {
    openApi();
  }
  log.info(
    { stateDir: opts.stateDir, resumed: hasSwarm, ...(opts.inspect ? { inspect: opts.inspect } : {}) },
    "daemon started",
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      openApi();
      offSignals();
      discovery.unsubscribe();
      actors.stopRepublishingOnReconnect();
      await server.close();
      // A request in flight (an init waiting for its node to be ready) is answered by the shutdown.
      await rt.shutdown(STOP_TIMEOUT_MS);
      await server.settled();
      actors.unwireAll();
      try {
        await nc.drain();
      } catch {
        await nc.close();
      }
      log.info("daemon stopped");
    })();
    return stopping;
  };
  const offSignals = stopOnSignals(stop, log);
  return { stop };
}

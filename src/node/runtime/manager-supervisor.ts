import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { AnyActorRef } from "xstate";
import { inboxPrefixOf } from "../../bus/auth/permissions.ts";
import { connectBus } from "../../bus/connection.ts";
import type { NodeIdentity } from "../../ca/credentials.ts";
import { tlsClientCredentials } from "../../ca/tls/client-credentials.ts";
import { tlsServerCredentials } from "../../ca/tls/server-credentials.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { BootstrapCA, ManagerHandle } from "../../manager/api.ts";
import { startManager } from "../../manager/manager.ts";
import { RaftStorage, type StorageFs } from "../../raft/storage/index.ts";
import { DEFAULT_LISTEN_ADDR, defaultAdvertiseAddr, withPortOf } from "../addresses.ts";
import { errManagerStopped, errManagerStoppedWhileStarting, errNoNodeIdentity } from "../errors.ts";
import type { NodeState } from "./node-state.ts";

export interface ManagerSupervisorOptions {
  readonly name: string;
  readonly profile: TimingProfile;
  readonly log: Logger;
  /** The daemon's --listen-addr / --advertise-addr, used when the start config has none. */
  readonly listenAddr?: string;
  readonly advertiseAddr?: string;
  readonly onActor: (name: string, actor: AnyActorRef) => void;
  /**
   * The daemon's NATS connection. A manager traffics on its own connection, made
   * with certificates/swarm-node.creds at `natsUrl`; on this one only when the
   * node holds no such credentials (a cluster made without the bus signer).
   */
  readonly nc?: NatsConnection;
  readonly natsUrl?: string;
  readonly natsCa?: string | undefined;
  /** The file operations of the manager's Raft storage (a faulty disk in tests); node:fs by default. */
  readonly raftFs?: StorageFs;
}

/**
 * SwarmKit's superviseManager: the manager runs while the node's role is
 * manager. The node machine says when (startManager / stopManager); this starts
 * it with the node's identity and addresses, stops it (wiping its Raft data on
 * a demotion), and never leaks one whose start finishes after it was stopped.
 */
export class ManagerSupervisor {
  /** The running manager, null while none is. */
  handle: ManagerHandle | null = null;
  /** The next start is the first manager of a new cluster (`swarm init`), with the root CA init made. */
  private bootstrap: BootstrapCA | null = null;
  /** The next start is a `swarm init --force-new-cluster` (SK ForceNewCluster). */
  private forceNew = false;
  /** Bumped by every stop: a manager whose start finishes after a stop is stopped at once. */
  private generation = 0;
  private ready = deferredManager();
  /** The manager's own bus connection while one runs (null: none, or it shares the daemon's). */
  private ownBus: NatsConnection | null = null;
  /** The connection the running manager was started with. */
  private bus: NatsConnection | undefined;

  constructor(
    private readonly opts: ManagerSupervisorOptions,
    private readonly state: NodeState,
  ) {}

  bootstrapNext(ca: BootstrapCA): void {
    this.bootstrap = ca;
  }

  forceNewClusterNext(): void {
    this.forceNew = true;
  }

  /**
   * The bus connection the running manager uses (its own, or the daemon's):
   * the control API calls of this node go through it, under its identity.
   */
  connection(): NatsConnection | undefined {
    return this.handle ? this.bus : undefined;
  }

  /** The manager once it serves; null when it is stopped (or fails) first. */
  whenReady(): Promise<ManagerHandle | null> {
    return this.ready.promise.catch(() => null);
  }

  /**
   * Starts the manager; resolves once its control API serves. `onFatal`: its
   * Raft member stopped on a fatal error (the node exits, "manager stopped: …").
   */
  async start(onRemovedFromRaft: () => void, onFatal: (e: Error) => void): Promise<void> {
    const identity = this.state.identity;
    if (!identity) throw errNoNodeIdentity();
    const listen = this.state.startConfig.ListenAddr || this.opts.listenAddr || DEFAULT_LISTEN_ADDR;
    const advertise = this.state.startConfig.AdvertiseAddr || this.opts.advertiseAddr || defaultAdvertiseAddr(listen);
    const ready = this.ready;
    const generation = this.generation;
    let own: NatsConnection | null = null;
    try {
      const tls = await this.state.tlsMaterial();
      own = await this.openOwnBus(identity);
      const nc = own ?? this.opts.nc;
      const handle = await startManager({
        nodeId: identity.nodeId,
        clusterId: identity.clusterId,
        hostname: this.opts.name,
        listenAddr: listen,
        advertiseAddr: advertise,
        swarmDir: this.state.swarmDir,
        profile: this.opts.profile,
        credentials: tlsServerCredentials(tls, identity.clusterId),
        clientCredentials: tlsClientCredentials(identity, tls),
        bootstrap: this.bootstrap !== null,
        ...(this.bootstrap ? { bootstrapCA: this.bootstrap } : {}),
        ...(this.forceNew ? { forceNewCluster: true } : {}),
        onActor: this.opts.onActor,
        log: this.opts.log,
        ...(nc ? { nc } : {}),
        onRemovedFromRaft,
        onFatal,
        ...(this.opts.raftFs ? { raftFs: this.opts.raftFs } : {}),
      });
      if (generation !== this.generation) {
        // Stopped (demoted, left, shut down) while it was starting: it must not keep its listener.
        await handle.stop();
        throw errManagerStoppedWhileStarting();
      }
      this.ownBus = own;
      this.bus = nc;
      own = null;
      this.bootstrap = null;
      this.forceNew = false;
      this.handle = handle;
      // A restarted manager comes back on the same address, even when port 0 picked it.
      this.state.startConfig = { ...this.state.startConfig, ListenAddr: withPortOf(listen, handle.listenAddr) };
      await this.state.saveStartConfig();
      ready.resolve(handle);
    } catch (e) {
      await own?.close().catch(() => {});
      ready.reject(e);
      throw e;
    }
  }

  /**
   * The manager's own connection, with the credentials its certificate came
   * with (Raft and the control API as this node, replies under its inbox
   * prefix); null when the node holds none, and the manager then uses the
   * daemon's connection, as before the bus had identities.
   */
  private async openOwnBus(identity: NodeIdentity): Promise<NatsConnection | null> {
    if (!this.opts.nc) return null;
    const url = this.opts.natsUrl;
    if (!url || !(await this.state.bus.held())) {
      this.opts.log.warn(
        { creds: this.state.bus.path },
        "no manager bus credentials: the manager uses the daemon's NATS connection (a cluster made without the swarm NATS account's signer)",
      );
      return null;
    }
    const manager = { role: "manager", nodeId: identity.nodeId, clusterId: identity.clusterId } as const;
    return connectBus({ url, creds: this.state.bus.path, ca: this.opts.natsCa }, `swarmbus-manager-${this.opts.name}`, {
      inboxPrefix: inboxPrefixOf(manager),
    });
  }

  /** Stops the manager; `clearData` wipes its Raft data (a demoted or removed manager). */
  async stop(clearData: boolean): Promise<void> {
    this.generation++;
    const m = this.handle;
    this.handle = null;
    this.ready.reject(errManagerStopped());
    this.ready = deferredManager();
    const own = this.ownBus;
    this.ownBus = null;
    this.bus = undefined;
    await m?.stop();
    // After the manager: its Raft transport and control server unsubscribe on it as they stop.
    await own?.close().catch(() => {});
    if (clearData) await RaftStorage.wipe(join(this.state.swarmDir, "raft"));
  }
}

function deferredManager() {
  let resolve: (m: ManagerHandle) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<ManagerHandle>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

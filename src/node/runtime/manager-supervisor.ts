import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { AnyActorRef } from "xstate";
import { tlsClientCredentials } from "../../ca/tls/client-credentials.ts";
import { tlsServerCredentials } from "../../ca/tls/server-credentials.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { BootstrapCA, ManagerHandle } from "../../manager/api.ts";
import { startManager } from "../../manager/manager.ts";
import { RaftStorage } from "../../raft/storage/index.ts";
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
  /** The daemon's NATS connection: the manager's Raft transport and raft join. */
  readonly nc?: NatsConnection;
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

  /** The manager once it serves; null when it is stopped (or fails) first. */
  whenReady(): Promise<ManagerHandle | null> {
    return this.ready.promise.catch(() => null);
  }

  /** Starts the manager; resolves once its control API serves. */
  async start(onRemovedFromRaft: () => void): Promise<void> {
    const identity = this.state.identity;
    if (!identity) throw errNoNodeIdentity();
    const listen = this.state.startConfig.ListenAddr || this.opts.listenAddr || DEFAULT_LISTEN_ADDR;
    const advertise = this.state.startConfig.AdvertiseAddr || this.opts.advertiseAddr || defaultAdvertiseAddr(listen);
    const ready = this.ready;
    const generation = this.generation;
    try {
      const tls = await this.state.tlsMaterial();
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
        ...(this.opts.nc ? { nc: this.opts.nc } : {}),
        onRemovedFromRaft,
      });
      if (generation !== this.generation) {
        // Stopped (demoted, left, shut down) while it was starting: it must not keep its listener.
        await handle.stop();
        throw errManagerStoppedWhileStarting();
      }
      this.bootstrap = null;
      this.forceNew = false;
      this.handle = handle;
      // A restarted manager comes back on the same address, even when port 0 picked it.
      this.state.startConfig = { ...this.state.startConfig, ListenAddr: withPortOf(listen, handle.listenAddr) };
      await this.state.saveStartConfig();
      ready.resolve(handle);
    } catch (e) {
      ready.reject(e);
      throw e;
    }
  }

  /** Stops the manager; `clearData` wipes its Raft data (a demoted or removed manager). */
  async stop(clearData: boolean): Promise<void> {
    this.generation++;
    const m = this.handle;
    this.handle = null;
    this.ready.reject(errManagerStopped());
    this.ready = deferredManager();
    await m?.stop();
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

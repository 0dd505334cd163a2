import type { Logger } from "pino";
import type { NodeRole } from "../../../machines/node.machine.ts";
import type { Peer } from "../../agent/api.ts";
import type { IssuedIdentity, NodeIdentity } from "../../ca/credentials.ts";
import { LiveTlsMaterial } from "../../ca/tls/tls-material.ts";
import { errNoNodeCertificate } from "../errors.ts";
import { ManagersFile } from "../managers-file.ts";
import { emptyStartConfig, type StartConfig, writeStartConfig } from "../start-config-file.ts";
import {
  clearSwarmDir,
  readNodeCertificate,
  readNodeKey,
  readRootCACertificate,
  writeNodeCertificate,
  writeRootCACertificate,
} from "../state-dir.ts";
import { BusCredentials } from "./bus-credentials.ts";

/**
 * What a node keeps about itself, in memory and in `<state-dir>/swarm`: its
 * identity (swarm-node.crt), its start config (docker-state.json) and the
 * managers it knows (state.json). Writes made on the way (a renewed certificate, a
 * finished join, a new manager list) are tracked, so a leave waits for them
 * before it clears the dir.
 */
export class NodeState {
  identity: NodeIdentity | null = null;
  /** What the node presents on gRPC (certificate, key, root), read once from the state dir and kept current. */
  private tls: LiveTlsMaterial | null = null;
  /** Bumped when a run's identity is dropped, so a read begun before it cannot bring the old material back. */
  private generation = 0;
  startConfig: StartConfig;
  readonly managersFile: ManagersFile;
  /** The node's own bus credentials (certificates/swarm-node.creds), which follow its certificate. */
  readonly bus: BusCredentials;
  private readonly writes = new Set<Promise<unknown>>();

  constructor(
    readonly swarmDir: string,
    startConfig: StartConfig | null,
    readonly log: Logger,
  ) {
    this.startConfig = startConfig ?? emptyStartConfig();
    this.managersFile = new ManagersFile(swarmDir);
    this.bus = new BusCredentials(swarmDir);
  }

  /** The node's TLS material: its manager's listener and its channels present it (src/ca/tls/). */
  async tlsMaterial(): Promise<LiveTlsMaterial> {
    if (this.tls) return this.tls;
    const generation = this.generation;
    const [certificate, key, rootCA] = await Promise.all([
      readNodeCertificate(this.swarmDir),
      readNodeKey(this.swarmDir),
      readRootCACertificate(this.swarmDir),
    ]);
    if (!certificate || !rootCA || generation !== this.generation) throw errNoNodeCertificate(this.swarmDir);
    this.tls ??= new LiveTlsMaterial({ rootCA, certificate, key });
    return this.tls;
  }

  /** docker-state.json as it is now. */
  saveStartConfig(): Promise<void> {
    return writeStartConfig(this.swarmDir, this.startConfig);
  }

  /** The managers in state.json, as the agent dials them. */
  async knownManagers(): Promise<Peer[]> {
    return (await this.managersFile.load()).map((p) => ({ nodeId: p.NodeID, addr: p.Addr }));
  }

  /** SwarmKit's persistentRemotes: the agent's manager list, rewritten when the set changes. */
  saveManagers(peers: readonly Peer[]): void {
    this.track(this.managersFile.save(peers.map((p) => ({ NodeID: p.nodeId, Addr: p.addr }))), "state.json");
  }

  /**
   * A renewed certificate (same key, new role): the identity of this run,
   * swarm-node.crt on disk, and the bus credentials that go with it (a
   * manager's kept, a worker's removed) before a role change acts on it.
   */
  saveCertificate(issued: IssuedIdentity): Promise<void> {
    this.identity = issued.identity;
    this.tls?.update({ certificate: issued.certificate, key: issued.key });
    const write = writeNodeCertificate(this.swarmDir, issued.certificate);
    this.track(write, "swarm-node.crt");
    const creds = this.bus.save(issued.identity, issued.natsUserJwt);
    this.track(creds, "swarm-node.creds");
    return Promise.all([write, creds]).then(() => {});
  }

  /** A manager trusts the cluster's root CA and keeps certificates/swarm-root-ca.crt current (SK SaveRootCA). */
  saveRootCA(certificate: Buffer): void {
    this.tls?.update({ rootCA: certificate });
    this.track(writeRootCACertificate(this.swarmDir, certificate), "swarm-root-ca.crt");
  }

  /** moby clears JoinInProgress once the joined node is ready. */
  joinCompleted(): void {
    if (!this.startConfig.JoinInProgress) return;
    this.startConfig = { ...this.startConfig, JoinInProgress: false };
    this.track(this.saveStartConfig(), "docker-state.json");
  }

  /** A leave: once every write in flight has settled, the swarm dir is emptied. */
  async clear(): Promise<void> {
    await Promise.allSettled([...this.writes]);
    await clearSwarmDir(this.swarmDir);
    this.managersFile.reset();
    this.identity = null;
    this.tls = null;
    this.bus.forget();
    this.generation++;
    this.startConfig = emptyStartConfig();
  }

  /** A first start that failed: nothing of it is kept (moby clearPersistentState); never rejects. */
  async discard(): Promise<void> {
    this.forgetIdentity();
    this.startConfig = emptyStartConfig();
    // A write of the failed run still in flight would otherwise land after the clear.
    await Promise.allSettled([...this.writes]);
    await clearSwarmDir(this.swarmDir)
      .then(() => this.managersFile.reset())
      .catch((e: unknown) => this.log.error({ err: String(e) }, "failed to clear the swarm state"));
    // A read of the TLS files begun before the clear finished may have seen the old run's.
    this.forgetIdentity();
  }

  private forgetIdentity(): void {
    this.identity = null;
    this.tls = null;
    this.bus.forget();
    this.generation++;
  }

  private track(p: Promise<unknown>, file: string): void {
    const t = p
      .catch((e: unknown) => this.log.error({ err: String(e) }, `failed to save ${file}`))
      .finally(() => this.writes.delete(t));
    this.writes.add(t);
  }
}

/** The role a node certificate carries (its OU). */
export const roleOf = (identity: NodeIdentity): NodeRole => (identity.role === "swarm-manager" ? "manager" : "worker");

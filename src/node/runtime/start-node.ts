import { readFile } from "node:fs/promises";
import type { NodeRole, StartMode } from "../../../machines/node.machine.ts";
import type { StoredAccountSigner } from "../../bus/auth/manager-credentials.ts";
import type { NodeIdentity } from "../../ca/credentials.ts";
import { checkNodeKeyPair } from "../../ca/pki/node-key-pair.ts";
import { verifyNodeCertificate } from "../../ca/pki/verify-node-certificate.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { kekOf } from "../../manager/deks/node-kek.ts";
import { nodeKeyPath } from "../../manager/deks/node-key-file.ts";
import { errNodeStartCancelled, errNoNodeCertificate } from "../errors.ts";
import { tightenSecretModes } from "../secret-modes.ts";
import { ensureWorkerDir, readNodeIdentity, removeLegacyRoleFile, unlockNodeKeyFile, useNewKek } from "../state-dir.ts";
import { bootstrapIdentity } from "./init.ts";
import { type JoinParams, joinIdentity } from "./join.ts";
import type { ManagerSupervisor } from "./manager-supervisor.ts";
import { type NodeState, roleOf } from "./node-state.ts";

/**
 * The node machine's startNode (SK node.New + loadSecurityConfig): the
 * identity of this run, by how the node starts: `init` creates a cluster,
 * `join` asks the cluster's CA with a token, `load` (a restart, or a rejoin
 * after the node exited) finds it in the state dir. Resolves with its role.
 */
export class NodeStart {
  /** The join that a start in join mode makes (kept for the restarts of a join's first run). */
  private join: JoinParams | null = null;
  /** The unlock key `swarm unlock` gave, for the next start only (the node holds its KEK after that). */
  private unlockKey: Buffer | null = null;
  /** `swarm init --autolock`: the next init makes a KEK. */
  private autoLock = false;

  constructor(
    private readonly state: NodeState,
    private readonly manager: ManagerSupervisor,
    private readonly profile: TimingProfile,
    /** The swarm NATS account's signer a new cluster keeps (the daemon's --nats-account-signer). */
    private readonly natsSigner?: StoredAccountSigner,
  ) {}

  /** The next starts join with `join`, or make no join (null). */
  joinWith(join: JoinParams | null): void {
    this.join = join;
  }

  /** The next init locks the managers (`swarm init --autolock`), or not. */
  initWith(p: { autoLockManagers?: boolean }): void {
    this.autoLock = p.autoLockManagers === true;
  }

  /** The next start opens the node key with `key` (moby UnlockSwarm's lockKey). */
  unlockWith(key: Buffer): void {
    this.unlockKey = key;
  }

  async run(mode: StartMode, signal: AbortSignal): Promise<NodeRole> {
    const identity = await this.identity(mode, signal);
    if (signal.aborted) throw errNodeStartCancelled();
    this.state.identity = identity;
    await ensureWorkerDir(this.state.swarmDir);
    await this.state.managersFile.load();
    return roleOf(identity);
  }

  private async identity(mode: StartMode, signal: AbortSignal): Promise<NodeIdentity> {
    const tightened = await tightenSecretModes(this.state.swarmDir);
    if (tightened.length > 0) this.state.log.warn({ tightened }, "state dir: secret files were readable by others");
    const swarmDir = this.state.swarmDir;
    const existing = await readNodeIdentity(swarmDir, (cert, rootCA) => verifiedIdentity(swarmDir, cert, rootCA));
    if (mode === "init") {
      if (!this.natsSigner) {
        this.state.log.warn(
          "swarm init without the swarm NATS account's signer (--nats-account-signer): the managers will not get bus credentials of their own and use their daemon's connection",
        );
      }
      const { identity, ca } = await bootstrapIdentity(this.state, this.autoLock, this.natsSigner);
      this.manager.bootstrapNext(ca);
      return identity;
    }
    if (existing) {
      // SK KeyReadWriter.Read: a manager's encrypted key opens only with the KEK (errSwarmLocked otherwise).
      const key = this.unlockKey ?? kekOf(this.state.swarmDir);
      this.unlockKey = null;
      await unlockNodeKeyFile(this.state.swarmDir, key);
      // The role is the certificate's (SK loadSecurityConfig); an earlier build's node-role file says nothing now.
      await removeLegacyRoleFile(this.state.swarmDir);
      return existing.identity;
    }
    if (mode === "load" || !this.join) throw errNoNodeCertificate(this.state.swarmDir);
    // A joining node's key is in clear: a manager encrypts it once it sees the cluster's unlock key.
    useNewKek(this.state.swarmDir, null);
    return joinIdentity(this.state, this.join, this.profile, signal);
  }
}

/**
 * SK LoadSecurityConfig: the key and the certificate read as a pair (KeyReadWriter.Read),
 * then the certificate verified against the root CA kept beside it. A failure stops
 * the node in error and leaves every file as it is.
 */
async function verifiedIdentity(swarmDir: string, certificate: Buffer, rootCA: Buffer): Promise<NodeIdentity> {
  checkNodeKeyPair(certificate, await readKeyFile(swarmDir));
  return (await verifyNodeCertificate(rootCA, certificate)).identity;
}

/**
 * swarm-node.key as it is on disk (an autolocked manager's still encrypted: the
 * pair check skips it, unlocking is the next step); a read failure in Go's
 * words ("open <file>: no such file or directory").
 */
async function readKeyFile(swarmDir: string): Promise<Buffer> {
  try {
    return await readFile(nodeKeyPath(swarmDir));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") throw new Error(`open ${err.path}: no such file or directory`);
    throw e;
  }
}

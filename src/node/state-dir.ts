import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { NodeIdentity } from "../ca/credentials.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";
import { InvalidKekError } from "../manager/deks/key-encryption.ts";
import { kekOf, setKek } from "../manager/deks/node-kek.ts";
import { readNodeKeyFile, rotateNodeKek, unlockNodeKey, writeNodeKeyFile } from "../manager/deks/node-key-file.ts";
import { fsyncDir, mkdirDurable, nodeStorageFs, type StorageFs } from "../raft/storage/index.ts";
import { errInvalidStateFile, errLoadingTLSCertificate, errSwarmLocked } from "./errors.ts";

/**
 * `<state-dir>/swarm/`, laid out as dockerd's /var/lib/docker/swarm:
 *   certificates/swarm-node.crt     the node certificate (PEM; CN node ID, OU role, O cluster ID), 0644
 *   certificates/swarm-node.key     its private key, PKCS#8 PEM, 0600 (SK ca/keyreadwriter.go keyPerms);
 *                                   encrypted under the unlock key on a manager while autolock is on
 *   certificates/swarm-node.key-headers  a manager's: the key's PEM headers (raft-dek), 0600 (manager/deks)
 *   certificates/swarm-root-ca.crt  the swarm's root CA certificate (SK SaveRootCA), 0644
 *   certificates/swarm-node.creds a manager's bus credentials (NATS user JWT from the swarm's CA + the
 *                                   node's nkey seed), 0600; absent on a worker (swarmbus)
 *   state.json                    known managers (managers-file.ts)
 *   docker-state.json             moby's nodeStartConfig (start-config-file.ts)
 */
export const SWARM_DIR_NAME = "swarm";
export const CERT_DIRECTORY = "certificates";
export const NODE_CERT_FILE = "swarm-node.crt";
export const NODE_KEY_FILE = "swarm-node.key";
export const ROOT_CA_FILE = "swarm-root-ca.crt";
export const NODE_CREDS_FILE = "swarm-node.creds";
export const WORKER_DIRECTORY = "worker";
/** SK ca/keyreadwriter.go certPerms, and SaveRootCA's mode: certificates are world-readable. */
const CERT_MODE = 0o644;

export function swarmDirOf(stateDir: string): string {
  return join(stateDir, SWARM_DIR_NAME);
}

export function nodeCertPath(swarmDir: string): string {
  return join(swarmDir, CERT_DIRECTORY, NODE_CERT_FILE);
}

/**
 * SwarmKit's node.New: MkdirAll(StateDir, 0700); certificates/ as SaveRootCA and the KeyReadWriter make it (0755).
 * Every directory made here, and every removal below, is fsync'd in its parent: a crash does not take it back.
 */
export async function ensureSwarmDir(swarmDir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  await mkdirDurable(swarmDir, 0o700, fs);
  await mkdirDurable(join(swarmDir, CERT_DIRECTORY), 0o755, fs);
}

/** SK node.run: worker/, the agent's task database's directory, made for every role (MkdirAll 0777, umask'd). */
export async function ensureWorkerDir(swarmDir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  await mkdirDurable(join(swarmDir, WORKER_DIRECTORY), 0o777, fs);
}

/** Removes a file (absent is fine) and fsyncs its directory. */
async function removeFileDurable(dir: string, name: string, fs: StorageFs): Promise<void> {
  try {
    await fs.unlink(join(dir, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  await fsyncDir(dir, fs);
}

/** Where the agent keeps each task's process record and logs (swarmbus's stand-in for worker/tasks.db). */
export function tasksDirOf(swarmDir: string): string {
  return join(swarmDir, WORKER_DIRECTORY, "tasks");
}

export async function writeNodeCertificate(swarmDir: string, certificate: Buffer): Promise<void> {
  await ensureSwarmDir(swarmDir);
  await writeFileAtomic(nodeCertPath(swarmDir), certificate, CERT_MODE);
}

/**
 * SK KeyReadWriter.Write: the key first (`key` in clear; written encrypted
 * under the node's KEK while it holds one), then the certificate that goes with it.
 */
export async function writeNodeKeyPair(swarmDir: string, certificate: Buffer, key: Buffer): Promise<void> {
  await ensureSwarmDir(swarmDir);
  await writeNodeKeyFile(swarmDir, key);
  await writeNodeCertificate(swarmDir, certificate);
}

export function rootCACertPath(swarmDir: string): string {
  return join(swarmDir, CERT_DIRECTORY, ROOT_CA_FILE);
}

/** SK SaveRootCA: the root CA the node trusts, written when it joins and kept current by a manager. */
export async function writeRootCACertificate(swarmDir: string, certificate: Buffer): Promise<void> {
  const current = await readRootCACertificate(swarmDir);
  if (current?.equals(certificate)) return;
  await ensureSwarmDir(swarmDir);
  await writeFileAtomic(rootCACertPath(swarmDir), certificate, CERT_MODE);
}

export function nodeCredsPath(swarmDir: string): string {
  return join(swarmDir, CERT_DIRECTORY, NODE_CREDS_FILE);
}

/** A manager's bus credentials (the text of a `.creds` file), 0600 as the node key. */
export async function writeNodeCreds(swarmDir: string, creds: string): Promise<void> {
  await ensureSwarmDir(swarmDir);
  await writeFileAtomic(nodeCredsPath(swarmDir), creds, 0o600);
}

/** swarm-node.creds' text, or null when the node holds no bus credentials of its own. */
export async function readNodeCreds(swarmDir: string): Promise<string | null> {
  try {
    return await readFile(nodeCredsPath(swarmDir), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** A worker holds no manager credentials. */
export async function removeNodeCreds(swarmDir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  await removeFileDurable(join(swarmDir, CERT_DIRECTORY), NODE_CREDS_FILE, fs);
}

/** The root CA certificate this node trusts, or null when none is kept. */
export async function readRootCACertificate(swarmDir: string): Promise<Buffer | null> {
  try {
    return await readFile(rootCACertPath(swarmDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * swarm-node.key in clear (PKCS#8 PEM): the node's private key, which a
 * renewal signs its CSR with. An encrypted key the node holds no KEK for is
 * Swarm's locked error.
 */
export async function readNodeKey(swarmDir: string): Promise<Buffer> {
  return lockedOnInvalidKek(readNodeKeyFile(swarmDir));
}

/**
 * SK node start with an unlock key (moby's lockKey): the node key, and the
 * Raft DEK beside it, open with `kek` when they are encrypted; the node holds
 * the KEK from then on. Swarm's locked error when they do not open (no key,
 * or a wrong one).
 */
export async function unlockNodeKeyFile(swarmDir: string, kek: Buffer | null): Promise<void> {
  await lockedOnInvalidKek(unlockNodeKey(swarmDir, kek));
}

/** `swarm init --autolock` (SK node.go: a new KEK for a new cluster): the node key is written under `kek` (null: in clear). */
export function useNewKek(swarmDir: string, kek: Buffer | null): void {
  setKek(swarmDir, kek);
}

/** A worker never locks: a demoted manager's key (and what is left of its headers) is written in clear again. */
export async function dropNodeKek(swarmDir: string): Promise<void> {
  if (kekOf(swarmDir)) await rotateNodeKek(swarmDir, null, 0);
}

async function lockedOnInvalidKek<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw e instanceof InvalidKekError ? errSwarmLocked() : e;
  }
}

/**
 * `node-role`, the role file of earlier builds (kept a role across restarts
 * before certificates followed role changes): the certificate says the role now.
 */
export async function removeLegacyRoleFile(swarmDir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  await removeFileDurable(swarmDir, "node-role", fs);
}

/** The certificate bytes, or null when this state dir holds no swarm. */
export async function readNodeCertificate(swarmDir: string): Promise<Buffer | null> {
  const file = nodeCertPath(swarmDir);
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw errInvalidStateFile(file, (e as Error).message);
  }
}

const ID = /^[0-9a-z]{25}$/;

/**
 * The node identity kept in the state dir, read by `decode` (the certificate
 * verified against the root CA kept beside it) and checked: node ID and cluster
 * ID are 25 base-36 characters (a FIPS cluster ID is "FIPS." + ID). Null when
 * there is no swarm here. A certificate that does not verify is SwarmKit's
 * "error while loading TLS certificate" with the reason.
 */
export async function readNodeIdentity(
  swarmDir: string,
  decode: (certificate: Buffer, rootCA: Buffer) => NodeIdentity | Promise<NodeIdentity>,
): Promise<{ identity: NodeIdentity; certificate: Buffer } | null> {
  const certificate = await readNodeCertificate(swarmDir);
  if (!certificate) return null;
  const file = nodeCertPath(swarmDir);
  const rootCA = (await readRootCACertificate(swarmDir)) ?? Buffer.alloc(0);
  let identity: NodeIdentity;
  try {
    identity = await decode(certificate, rootCA);
  } catch (e) {
    throw errLoadingTLSCertificate(file, e instanceof Error ? e.message : String(e));
  }
  if (!ID.test(identity.nodeId)) throw errLoadingTLSCertificate(file, `invalid node ID "${identity.nodeId}"`);
  const cluster = identity.clusterId.replace(/^FIPS\./, "");
  if (!ID.test(cluster)) throw errLoadingTLSCertificate(file, `invalid cluster ID "${identity.clusterId}"`);
  return { identity, certificate };
}

/**
 * moby clearPersistentState: remove everything inside <state-dir>/swarm, keep the dir; the KEK goes with it.
 * The removals are fsync'd in swarm/: after a crash the node does not come back from the state it left.
 */
export async function clearSwarmDir(swarmDir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  setKek(swarmDir, null);
  let entries: string[];
  try {
    entries = await fs.readdir(swarmDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  await Promise.all(entries.map((name) => fs.rmTree(join(swarmDir, name))));
  if (entries.length > 0) await fsyncDir(swarmDir, fs);
}

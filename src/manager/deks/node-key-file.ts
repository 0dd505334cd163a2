import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../raft/storage/index.ts";
import { decryptNodeKey, isEncryptedKeyPem, reencryptNodeKey } from "./key-encryption.ts";
import { CERT_DIRECTORY, keyHeadersPath, NODE_KEY_FILE, readKeyHeaders, writeKeyHeaders } from "./key-headers.ts";
import { kekOf, setKek } from "./node-kek.ts";
import { decodeRaftDek, encodeRaftDek } from "./raft-dek.ts";

/**
 * swarm-node.key as SwarmKit's KeyReadWriter keeps it: in clear (PKCS#8 PEM)
 * without a KEK, encrypted under the node's KEK with one; 0600. Readers get
 * the clear PEM.
 */
const KEY_MODE = 0o600;

export function nodeKeyPath(swarmDir: string): string {
  return join(swarmDir, CERT_DIRECTORY, NODE_KEY_FILE);
}

/** Writes the node key (a clear PKCS#8 PEM), encrypted under the node's KEK when it holds one. */
export async function writeNodeKeyFile(swarmDir: string, pem: Buffer): Promise<void> {
  const kek = kekOf(swarmDir);
  const data = kek ? reencryptNodeKey(pem, null, kek) : pem;
  await writeFileAtomic(join(swarmDir, CERT_DIRECTORY), NODE_KEY_FILE, `${NODE_KEY_FILE}.tmp`, data, KEY_MODE);
}

/** The node key in clear; InvalidKekError when the file is encrypted and the node holds no KEK that opens it. */
export async function readNodeKeyFile(swarmDir: string): Promise<Buffer> {
  return decryptNodeKey(await readFile(nodeKeyPath(swarmDir)), kekOf(swarmDir));
}

/**
 * SK KeyReadWriter.Read at node start: a key file encrypted under a KEK opens
 * only with `kek` (the unlock key given), and so does the sealed raft-dek
 * beside it; InvalidKekError otherwise. The node holds `kek` from then on (no
 * KEK at all when its key is in clear). A missing key file is left to the
 * caller's own checks.
 */
export async function unlockNodeKey(swarmDir: string, kek: Buffer | null): Promise<void> {
  let pem: Buffer;
  try {
    pem = await readFile(nodeKeyPath(swarmDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  const locked = isEncryptedKeyPem(pem);
  const held = locked ? kek : null;
  decryptNodeKey(pem, held);
  const dek = (await readKeyHeaders(swarmDir))?.get("raft-dek");
  if (dek !== undefined) decodeRaftDek(dek, held, keyHeadersPath(swarmDir));
  setKek(swarmDir, held);
}

/**
 * SK RaftDEKManager.MaybeUpdateKEK: the KEK becomes `next` (null: autolock
 * off): the raft-dek header sealed again, then the key file encrypted again,
 * with `version` (the cluster's) as kek-version. The WAL keeps its DEK.
 */
export async function rotateNodeKek(swarmDir: string, next: Buffer | null, version: number): Promise<void> {
  const current = kekOf(swarmDir);
  const headers = await readKeyHeaders(swarmDir);
  const updated = new Map(headers ?? []);
  const dek = headers?.get("raft-dek");
  if (dek !== undefined)
    updated.set("raft-dek", encodeRaftDek(decodeRaftDek(dek, current, keyHeadersPath(swarmDir)), next));
  updated.set("kek-version", String(version));
  await writeKeyHeaders(swarmDir, updated);
  let pem: Buffer | null = null;
  try {
    pem = await readFile(nodeKeyPath(swarmDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (pem) {
    const data = reencryptNodeKey(pem, current, next);
    await writeFileAtomic(join(swarmDir, CERT_DIRECTORY), NODE_KEY_FILE, `${NODE_KEY_FILE}.tmp`, data, KEY_MODE);
  }
  setKek(swarmDir, next);
}

import { DEK_BYTES, generateDek, RaftStorage } from "../../raft/storage/index.ts";
import { rpcError } from "../../rpc/status.ts";
import { openWithKek, sealedLength, sealWithKek } from "./key-encryption.ts";
import { keyHeadersPath, readKeyHeaders, writeKeyHeaders } from "./key-headers.ts";
import { kekOf } from "./node-kek.ts";

/**
 * The manager's Raft data encryption key (SK manager/deks.go RaftDEKManager):
 * made on the manager's first start, kept in the `raft-dek` header of the node
 * key (see key-headers.ts), read back on every restart. In base64: the DEK
 * itself while autolock is off, sealed with the KEK (the unlock key) while it
 * is on; the length tells which. The WAL and snapshots stay as they are when
 * the KEK changes: only this header is sealed again (kek-rotation.ts).
 */
export async function loadOrCreateRaftDek(swarmDir: string, raftDir: string): Promise<Buffer> {
  const file = keyHeadersPath(swarmDir);
  const headers = await readKeyHeaders(swarmDir);
  const saved = headers?.get("raft-dek");
  if (saved !== undefined) return decodeRaftDek(saved, kekOf(swarmDir), file);
  if (RaftStorage.exists(raftDir))
    // Not migrated: a Raft log written in clear (before swarmbus encrypted it) is refused, not rewritten.
    throw rpcError(
      "FailedPrecondition",
      `raft storage ${raftDir} has no data encryption key (${file} holds no raft-dek): it was written in clear by an older swarmbus; leave the swarm (swarm leave --force) and join it again`,
    );
  const dek = generateDek();
  const next = new Map(headers ?? []);
  if (!next.has("kek-version")) next.set("kek-version", "0");
  next.set("raft-dek", encodeRaftDek(dek, kekOf(swarmDir)));
  await writeKeyHeaders(swarmDir, next);
  return dek;
}

/** The header's value: the DEK in base64, sealed with `kek` first when there is one. */
export function encodeRaftDek(dek: Buffer, kek: Buffer | null): string {
  return (kek ? sealWithKek(dek, kek) : dek).toString("base64");
}

/** The DEK in a `raft-dek` header; a sealed one needs `kek` (InvalidKekError when it is not the one). */
export function decodeRaftDek(value: string, kek: Buffer | null, file: string): Buffer {
  const bytes = Buffer.from(value, "base64");
  if (bytes.length === DEK_BYTES) return bytes;
  if (bytes.length !== sealedLength(DEK_BYTES))
    throw rpcError("Internal", `${file}: raft-dek is ${bytes.length} bytes, not ${DEK_BYTES}`);
  if (!kek) throw rpcError("FailedPrecondition", `${file}: raft-dek is sealed and this node holds no unlock key`);
  return openWithKek(bytes, kek);
}

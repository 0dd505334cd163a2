import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DEK_BYTES, generateDek, RaftStorage, writeFileAtomic } from "../../raft/storage/index.ts";
import { rpcError } from "../../rpc/status.ts";
import { formatKeyHeaders, KEY_HEADERS_FILE, type KeyHeaders, parseKeyHeaders } from "./key-headers.ts";

/**
 * The manager's Raft data encryption key (SK manager/deks.go RaftDEKManager):
 * made on the manager's first start, kept in the `raft-dek` header of the node
 * key (see key-headers.ts), read back on every restart. Unlocked for now:
 * `kek-version: 0` and the DEK in base64; autolock will seal the header's value
 * with a KEK and bump kek-version, leaving the WAL and snapshots as they are.
 */
const CERT_DIRECTORY = "certificates"; // src/node/state-dir.ts's layout (the manager cannot import src/node)

export async function loadOrCreateRaftDek(swarmDir: string, raftDir: string): Promise<Buffer> {
  const dir = join(swarmDir, CERT_DIRECTORY);
  const file = join(dir, KEY_HEADERS_FILE);
  const headers = await readHeaders(file);
  const saved = headers?.get("raft-dek");
  if (saved !== undefined) {
    const dek = Buffer.from(saved, "base64");
    if (dek.length !== DEK_BYTES)
      throw rpcError("Internal", `${file}: raft-dek is ${dek.length} bytes, not ${DEK_BYTES}`);
    return dek;
  }
  if (RaftStorage.exists(raftDir))
    // Not migrated: a Raft log written in clear (before swarmbus encrypted it) is refused, not rewritten.
    throw rpcError(
      "FailedPrecondition",
      `raft storage ${raftDir} has no data encryption key (${file} holds no raft-dek): it was written in clear by an older swarmbus; leave the swarm (swarm leave --force) and join it again`,
    );
  const dek = generateDek();
  const next = new Map(headers ?? []);
  next.set("kek-version", "0");
  next.set("raft-dek", dek.toString("base64"));
  await mkdir(dir, { recursive: true, mode: 0o755 }); // as ensureSwarmDir makes it
  await writeFileAtomic(dir, KEY_HEADERS_FILE, `${KEY_HEADERS_FILE}.tmp`, Buffer.from(formatKeyHeaders(next)));
  return dek;
}

async function readHeaders(file: string): Promise<KeyHeaders | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const h = parseKeyHeaders(text);
  if (!h) throw rpcError("Internal", `${file}: not a list of PEM headers`);
  return h;
}

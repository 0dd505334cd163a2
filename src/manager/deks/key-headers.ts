import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../raft/storage/index.ts";
import { rpcError } from "../../rpc/status.ts";

/**
 * The PEM headers SwarmKit keeps in swarm-node.key (ca/keyreadwriter.go,
 * manager/deks.go): `raft-dek`, `raft-dek-pending`, `raft-dek-needs-rotation`,
 * `kek-version`. OpenSSL (and so node:crypto and `openssl pkey`) refuses a
 * PKCS#8 PEM with any header but Proc-Type ("not proc type"), so swarmbus
 * keeps them beside the key, in `certificates/swarm-node.key-headers`, one
 * `name: value` line each (RFC 1421 header syntax), 0600 like the key.
 */
export const KEY_HEADERS_FILE = "swarm-node.key-headers";
/** src/node/state-dir.ts's layout (the manager cannot import src/node). */
export const CERT_DIRECTORY = "certificates";
export const NODE_KEY_FILE = "swarm-node.key";

export type KeyHeaders = ReadonlyMap<string, string>;

const line = /^([A-Za-z0-9-]+): *(.*)$/;

/** Parses the headers; a line that is not `name: value` makes the whole file invalid (null). */
export function parseKeyHeaders(text: string): KeyHeaders | null {
  const out = new Map<string, string>();
  for (const l of text.split("\n")) {
    if (l.trim() === "") continue;
    const m = line.exec(l.trimEnd());
    if (!m) return null;
    out.set(m[1]!, m[2]!);
  }
  return out;
}

export function formatKeyHeaders(h: KeyHeaders): string {
  return [...h].map(([k, v]) => `${k}: ${v}\n`).join("");
}

export function keyHeadersPath(swarmDir: string): string {
  return join(swarmDir, CERT_DIRECTORY, KEY_HEADERS_FILE);
}

/** The headers kept for the node key, or null when there are none (a worker, a manager before its first start). */
export async function readKeyHeaders(swarmDir: string): Promise<KeyHeaders | null> {
  const file = keyHeadersPath(swarmDir);
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

export async function writeKeyHeaders(swarmDir: string, headers: KeyHeaders): Promise<void> {
  const dir = join(swarmDir, CERT_DIRECTORY);
  await mkdir(dir, { recursive: true, mode: 0o755 }); // as ensureSwarmDir makes it
  await writeFileAtomic(dir, KEY_HEADERS_FILE, `${KEY_HEADERS_FILE}.tmp`, Buffer.from(formatKeyHeaders(headers)));
}

/**
 * The PEM headers SwarmKit keeps in swarm-node.key (ca/keyreadwriter.go,
 * manager/deks.go): `raft-dek`, `raft-dek-pending`, `raft-dek-needs-rotation`,
 * `kek-version`. OpenSSL (and so node:crypto and `openssl pkey`) refuses a
 * PKCS#8 PEM with any header but Proc-Type ("not proc type"), so swarmbus
 * keeps them beside the key, in `certificates/swarm-node.key-headers`, one
 * `name: value` line each (RFC 1421 header syntax), 0600 like the key.
 */
export const KEY_HEADERS_FILE = "swarm-node.key-headers";

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

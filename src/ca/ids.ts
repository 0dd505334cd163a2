import { randomBytes } from "node:crypto";

/**
 * Swarm's identity.NewID (SK: identity/randomid.go): 17 random bytes with the
 * high bit of the first one set, printed in base 36; characters [1:26] are kept,
 * so every ID has exactly 25 characters of [0-9a-z].
 */
export const ID_LENGTH = 25;

/**
 * Random bytes taken from a pool filled 4 KiB at a time: one call into the
 * CSPRNG per 240 IDs rather than per ID (creating 10,000 tasks made 10,000
 * calls, the largest part of the orchestrator's pass).
 */
const POOL_BYTES = 4080;
let pool = Buffer.alloc(0);
let taken = 0;
function pooledRandomBytes(n: number): Buffer {
  if (taken + n > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, n));
    taken = 0;
  }
  taken += n;
  return pool.subarray(taken - n, taken);
}

export function newId(random: (n: number) => Buffer = pooledRandomBytes): string {
  const bytes = Buffer.from(random(17));
  bytes[0] = (bytes[0] ?? 0) | 0x80;
  return BigInt(`0x${bytes.toString("hex")}`)
    .toString(36)
    .slice(1, 1 + ID_LENGTH);
}

export function isId(s: string): boolean {
  return /^[0-9a-z]{25}$/.test(s);
}

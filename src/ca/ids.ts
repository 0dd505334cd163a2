import { randomBytes } from "node:crypto";

/**
 * Swarm's identity.NewID (SK: identity/randomid.go): 17 random bytes with the
 * high bit of the first one set, printed in base 36; characters [1:26] are kept,
 * so every ID has exactly 25 characters of [0-9a-z].
 */
export const ID_LENGTH = 25;

export function newId(random: (n: number) => Buffer = randomBytes): string {
  const bytes = Buffer.from(random(17));
  bytes[0] = (bytes[0] ?? 0) | 0x80;
  return BigInt(`0x${bytes.toString("hex")}`)
    .toString(36)
    .slice(1, 1 + ID_LENGTH);
}

export function isId(s: string): boolean {
  return /^[0-9a-z]{25}$/.test(s);
}

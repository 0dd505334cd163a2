import { randomBytes } from "node:crypto";
import { rpcError } from "../../rpc/status.ts";

/**
 * The manager unlock key (SK manager/encryption: GenerateSecretKey,
 * HumanReadableKey, ParseHumanReadableKey): 32 random bytes, the key
 * encryption key (KEK) of every manager while autolock is on, shown to the
 * operator as `SWMKEY-1-` + unpadded standard base64.
 */
const PREFIX = "SWMKEY-1-";
export const UNLOCK_KEY_BYTES = 32;

export function generateUnlockKey(): Buffer {
  return randomBytes(UNLOCK_KEY_BYTES);
}

export function humanReadableKey(key: Buffer): string {
  return PREFIX + key.toString("base64").replace(/=+$/, "");
}

const RAW_STD_BASE64 = /^[A-Za-z0-9+/]*$/;

/** The key's bytes; SK's "invalid key string" (InvalidArgument, plain: moby answers it as InvalidParameter) otherwise. */
export function parseHumanReadableKey(text: string): Buffer {
  const body = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : null;
  // Go's RawStdEncoding: no padding, and a length that leaves 1 character over is corrupt.
  if (body === null || !RAW_STD_BASE64.test(body) || body.length % 4 === 1)
    throw rpcError("InvalidArgument", "invalid key string", { plain: true });
  return Buffer.from(body, "base64");
}

import { randomBytes } from "node:crypto";

/** A random 20-byte serial number (cfssl's), kept positive: the high bit of the first byte cleared. */
export function randomSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString("hex");
}

import { createCipheriv, createDecipheriv, createPrivateKey, type KeyObject, randomBytes } from "node:crypto";

/**
 * What a KEK (the unlock key) protects on a locked manager, as SwarmKit's
 * KeyReadWriter does: the node key as an encrypted PKCS#8 PEM (the KEK its
 * passphrase; PBES2 with AES-256-CBC) and the Raft DEK header sealed with the
 * KEK itself (AES-256-GCM, a random 12-byte nonce; SK uses NaCl secretbox).
 * Pure: bytes in, bytes out.
 */

/** The KEK given does not open what it should (SK ca.ErrInvalidKEK). */
export class InvalidKekError extends Error {
  constructor() {
    super("invalid kek");
    this.name = "InvalidKekError";
  }
}

const ENCRYPTED_PEM = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

/** SK keyutils.IsEncryptedPEMBlock: the key file needs a KEK. */
export function isEncryptedKeyPem(pem: Buffer): boolean {
  return pem.includes(ENCRYPTED_PEM);
}

/** The PKCS#8 PEM `pem` (clear, or encrypted under `current`) encrypted under `kek`, or in clear when `kek` is null. */
export function reencryptNodeKey(pem: Buffer, current: Buffer | null, kek: Buffer | null): Buffer {
  const key = openNodeKey(pem, current);
  const out = kek
    ? key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: kek })
    : key.export({ type: "pkcs8", format: "pem" });
  return Buffer.from(out);
}

/** The clear PKCS#8 PEM of a key file; InvalidKekError when it is encrypted and `kek` does not open it. */
export function decryptNodeKey(pem: Buffer, kek: Buffer | null): Buffer {
  return isEncryptedKeyPem(pem) ? reencryptNodeKey(pem, kek, null) : pem;
}

/** The key; an encrypted one that `kek` (absent or wrong) does not open is InvalidKekError. */
function openNodeKey(pem: Buffer, kek: Buffer | null): KeyObject {
  if (!isEncryptedKeyPem(pem)) return createPrivateKey(pem);
  if (!kek) throw new InvalidKekError();
  try {
    return createPrivateKey({ key: pem, passphrase: kek });
  } catch {
    throw new InvalidKekError();
  }
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** `data` sealed with `kek`: nonce ‖ ciphertext ‖ tag. */
export function sealWithKek(data: Buffer, kek: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const c = createCipheriv("aes-256-gcm", kek, nonce);
  const body = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

/** What sealWithKek sealed; InvalidKekError when `kek` is not the one it was sealed with. */
export function openWithKek(sealed: Buffer, kek: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new InvalidKekError();
  const d = createDecipheriv("aes-256-gcm", kek, sealed.subarray(0, NONCE_BYTES));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([d.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), d.final()]);
  } catch {
    throw new InvalidKekError();
  }
}

/** The length of a sealed value of `n` bytes (how a reader tells a sealed header from a clear one). */
export function sealedLength(n: number): number {
  return NONCE_BYTES + n + TAG_BYTES;
}

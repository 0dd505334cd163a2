import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from "node:crypto";
import { RaftStorageError } from "./errors.ts";

/**
 * Encryption of the Raft data at rest with the data encryption key (DEK), as
 * SwarmKit's manager/encryption does for WAL records and snapshots. A sealed
 * payload is:
 *   uint8 algorithm | 12-byte random nonce | ciphertext | 16-byte GCM tag
 * SwarmKit defaults to NaCl secretbox (XSalsa20-Poly1305), which node:crypto
 * lacks; AES-256-GCM is node:crypto's AEAD with hardware support (AES-NI) and
 * a FIPS mode. A random 96-bit nonce per sealed payload (a WAL write, a
 * snapshot) is safe far beyond the number one DEK seals before it is rotated.
 * The algorithm byte is SwarmKit's MaybeEncryptedRecord.Algorithm: room for
 * another one later. `aad` binds a sealed payload to what and where it is (a
 * WAL write's segment and offset, or a snapshot), so it cannot be passed off
 * as another.
 */
export const DEK_BYTES = 32;
const ALGORITHM_AES_256_GCM = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;
/** Nonces drawn from the CSPRNG at once: one randomBytes call per nonce cost more than the cipher (bench/README.md). */
const NONCES_PER_DRAW = 256;

export class RecordCipher {
  private readonly key: Buffer;
  private readonly nonces = Buffer.alloc(NONCE_BYTES * NONCES_PER_DRAW);
  private nextNonce = this.nonces.length;

  constructor(dek: Uint8Array) {
    if (dek.length !== DEK_BYTES)
      throw new RaftStorageError(`raft storage: the DEK is ${dek.length} bytes, not ${DEK_BYTES}`);
    this.key = Buffer.from(dek);
  }

  seal(plain: Uint8Array, aad: Uint8Array): Buffer {
    const nonce = this.takeNonce();
    const c = createCipheriv("aes-256-gcm", this.key, nonce);
    c.setAAD(aad);
    const body = c.update(plain);
    c.final(); // GCM is a stream mode: nothing is held back
    const out = Buffer.allocUnsafe(OVERHEAD + body.length);
    out[0] = ALGORITHM_AES_256_GCM;
    out.set(nonce, 1);
    out.set(body, 1 + NONCE_BYTES);
    out.set(c.getAuthTag(), 1 + NONCE_BYTES + body.length);
    return out;
  }

  /** A fresh random nonce; each one is handed out once (the pool is refilled, never reread). */
  private takeNonce(): Buffer {
    if (this.nextNonce >= this.nonces.length) {
      randomFillSync(this.nonces);
      this.nextNonce = 0;
    }
    const at = this.nextNonce;
    this.nextNonce += NONCE_BYTES;
    return this.nonces.subarray(at, at + NONCE_BYTES);
  }

  /** The plaintext, or a RaftStorageError from `bad` saying why it cannot be trusted. */
  open(sealed: Uint8Array, aad: Uint8Array, bad: (why: string) => RaftStorageError): Buffer {
    if (sealed.length < OVERHEAD) throw bad(`encrypted payload too short (${sealed.length} bytes)`);
    if (sealed[0] !== ALGORITHM_AES_256_GCM) throw bad(`unknown encryption algorithm ${sealed[0]}`);
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const body = sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES);
    const d = createDecipheriv("aes-256-gcm", this.key, nonce);
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([d.update(body), d.final()]);
    } catch {
      throw bad("authentication failed (a wrong DEK, or the data was altered)");
    }
  }
}

/** A new random DEK (SwarmKit's encryption.GenerateSecretKey). */
export function generateDek(): Buffer {
  return randomBytes(DEK_BYTES);
}

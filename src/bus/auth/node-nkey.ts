import { createUser, fmtCreds, fromPublic, fromSeed, parseCreds } from "@nats-io/jwt";
import { rpcError } from "../../rpc/status.ts";

/**
 * A node's own NATS user key (an nkey), which it makes and keeps as it keeps
 * its TLS key: only its public half is sent, with the CSR; the swarm's CA
 * answers a manager with a user JWT for it (src/manager/ca-server.ts).
 */
export interface NodeNkey {
  readonly publicKey: string;
  readonly seed: string;
}

export function createNodeNkey(): NodeNkey {
  const kp = createUser();
  return { publicKey: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
}

/** Whether `key` is a NATS user public key ("U…", base32 with a valid checksum). */
export function isUserPublicKey(key: string): boolean {
  if (typeof key !== "string" || !key.startsWith("U")) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}

/** InvalidArgument unless `key` is a NATS user public key; what the CA checks at its edge. */
export function assertUserPublicKey(key: string, what = "NATS user key"): string {
  if (!isUserPublicKey(key)) {
    throw rpcError(
      "InvalidArgument",
      `invalid ${what} ${JSON.stringify(String(key).slice(0, 80))}: not a NATS user public key`,
    );
  }
  return key;
}

/** The text of a `.creds` file: the user JWT and the seed that proves the key is held. */
export function formatCreds(jwt: string, seed: string): string {
  return new TextDecoder().decode(fmtCreds(jwt, fromSeed(new TextEncoder().encode(seed))));
}

/** The nkey held in a `.creds` file's text, or null when the text is not one. */
export async function nkeyOfCreds(text: string): Promise<NodeNkey | null> {
  try {
    const { key } = await parseCreds(new TextEncoder().encode(text));
    const kp = fromSeed(new TextEncoder().encode(key));
    return { publicKey: kp.getPublicKey(), seed: key };
  } catch {
    return null;
  }
}

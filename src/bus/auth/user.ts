import { createUser, encodeUser, fmtCreds, fromSeed, type KeyPair } from "@nats-io/jwt";

/** What a user may publish and subscribe to; the server enforces it (NATS's Permissions claim). */
export interface SubjectPermissions {
  pub?: { allow?: string[]; deny?: string[] };
  sub?: { allow?: string[]; deny?: string[] };
  /** Lets the user answer requests sent to it (reply subjects it was not granted); NATS's `resp`. */
  resp?: { max: number; ttl: number };
}

/** The key that issues an account's users: the account's public key and one of its signing keys. */
export interface AccountSigner {
  account: string;
  signingKey: KeyPair;
}

export function accountSigner(account: string, signingSeed: string): AccountSigner {
  return { account, signingKey: fromSeed(new TextEncoder().encode(signingSeed)) };
}

/**
 * A new user of the signer's account as the text of a `.creds` file (its JWT and
 * its nkey seed). Without `permissions` the user may use every subject of the account.
 * This is what a manager calls to give a node its credentials.
 */
export async function issueUserCreds(
  name: string,
  signer: AccountSigner,
  permissions: SubjectPermissions = {},
): Promise<string> {
  const user = createUser();
  const jwt = await issueUserJwt(name, user.getPublicKey(), signer, permissions);
  return new TextDecoder().decode(fmtCreds(jwt, user));
}

/**
 * A user JWT for a key someone else holds (a node sends its public nkey, as it
 * sends a CSR for its certificate): only the holder of the seed can connect with it.
 */
export function issueUserJwt(
  name: string,
  publicKey: string,
  signer: AccountSigner,
  permissions: SubjectPermissions = {},
  expiresAt?: Date,
): Promise<string> {
  return encodeUser(
    name,
    publicKey,
    signer.signingKey,
    { issuer_account: signer.account, ...permissions },
    expiresAt ? { exp: Math.floor(expiresAt.getTime() / 1000) } : {},
  );
}

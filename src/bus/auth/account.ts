import { encodeAccount, type KeyPair } from "@nats-io/jwt";

/**
 * No limits on an account (nsc's defaults): the library leaves them out, and
 * nats-server then reads a limit of 0 connections and 0 subscriptions.
 */
const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

/**
 * An account JWT signed by the operator. `signingKey` (its public key goes in the
 * JWT) is the key that signs the account's users, so the account's own identity
 * seed can stay offline while managers issue user credentials.
 */
export function encodeAccountJwt(name: string, account: KeyPair, operator: KeyPair, signingKey?: KeyPair) {
  return encodeAccount(
    name,
    account,
    { limits: UNLIMITED, ...(signingKey ? { signing_keys: [signingKey.getPublicKey()] } : {}) },
    { signer: operator },
  );
}

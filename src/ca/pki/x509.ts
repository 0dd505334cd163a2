// reflect-metadata must be loaded before @peculiar/x509 (its ASN.1 schemas use decorators).
// This file is the one place that loads both: only the code that handles certificates
// imports it, so CLI commands that never touch X.509 do not pay for loading it.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** SwarmKit's keys and signatures: ECDSA P-256 with SHA-256 (cfssl's defaults, ca/config.go RootKeyAlgo). */
export const EC_KEY = { name: "ECDSA", namedCurve: "P-256" } as const;
export const EC_SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
export const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

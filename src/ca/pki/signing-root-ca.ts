import { privateKeyToPem } from "./pem.ts";
import { randomSerialHex } from "./serial.ts";
import { type CryptoKeyPair, EC_KEY, EC_SIGNING, subtle, x509 } from "./x509.ts";

/**
 * The swarm's root CA with its signing key (SK ca/certificates.go CreateRootCA):
 * ECDSA P-256, CN "swarm-ca", valid 20 years, backdated 1 h as cfssl's initca.
 * Both as PEM: the certificate is what swarm-root-ca.crt holds and join tokens
 * fingerprint; the key is kept in the cluster object (Cluster.RootCA.CAKey).
 */
export interface SigningRootCA {
  readonly certificate: Buffer;
  readonly key: Buffer;
}

export const ROOT_CN = "swarm-ca";
/** ca.RootCAExpiration = "630720000s". */
export const ROOT_CA_EXPIRY_MS = 630_720_000 * 1000;
/** ca.CertBackdate. */
export const CERT_BACKDATE_MS = 3600 * 1000;

export async function createRootCA(now: Date = new Date()): Promise<SigningRootCA> {
  const keys = (await subtle.generateKey(EC_KEY, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: `CN=${ROOT_CN}`,
    notBefore: new Date(now.getTime() - CERT_BACKDATE_MS),
    notAfter: new Date(now.getTime() + ROOT_CA_EXPIRY_MS),
    keys,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: Buffer.from(`${cert.toString("pem")}\n`), key: await privateKeyToPem(keys.privateKey) };
}

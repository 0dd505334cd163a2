// reflect-metadata must be loaded before @peculiar/x509 (its ASN.1 schemas use decorators).
import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC_KEY = { name: "ECDSA", namedCurve: "P-256" } as const;
const EC_SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** The bus's CA lives as long as the trust root (`bus init --force` makes a new one). */
const CA_DAYS = 20 * 365;
/** The server certificate: reissued by `bus init --force`. */
const SERVER_DAYS = 5 * 365;

/**
 * PEM texts `bus init` writes: the CA clients verify the server with, and the server's certificate and key.
 * The CA's private key is not among them: it signs these once and is dropped, so the certificates of this
 * CA are exactly the one server certificate, and "has a certificate of the bus CA" means "is a server of
 * the bus" (what the cluster's route port admits).
 */
export interface BusTlsFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/**
 * TLS for nats-server's client port: a CA of the bus's own (clients trust only
 * it) and a server certificate for loopback and the `listen` host, so
 * credentials and messages never cross the network in clear. The same
 * certificate is what a server of a NATS cluster presents on its routes, where
 * each end verifies the other with the bus CA: the dialling server is the TLS
 * client there, so it is issued for client authentication too (Go's TLS refuses
 * a client certificate without that extended key usage).
 */
export async function createBusTls(
  listenHost: string,
  now = new Date(),
  otherHosts: readonly string[] = [],
): Promise<BusTlsFiles> {
  const caKeys = (await webcrypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(now.getTime() - 3_600_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=swarmbus-bus-ca",
    notBefore,
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    keys: caKeys,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = (await webcrypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=nats-server",
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(serverNames([listenHost, ...otherHosts])),
    ],
  });
  const key = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  return {
    caCert: `${ca.toString("pem")}\n`,
    serverCert: `${server.toString("pem")}\n`,
    serverKey: `-----BEGIN PRIVATE KEY-----\n${key.replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`,
  };
}

/** Loopback and each host the servers are reached at (every server of a NATS cluster shares the certificate). */
function serverNames(hosts: readonly string[]): { type: "dns" | "ip"; value: string }[] {
  const names: { type: "dns" | "ip"; value: string }[] = [
    { type: "dns", value: "localhost" },
    { type: "ip", value: "127.0.0.1" },
    { type: "ip", value: "::1" },
  ];
  for (const h of hosts) {
    const host = h.replace(/^\[|\]$/g, "");
    const wildcard = host === "" || host === "0.0.0.0" || host === "::";
    if (!wildcard && !names.some((n) => n.value === host)) names.push({ type: isIP(host) ? "ip" : "dns", value: host });
  }
  return names;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

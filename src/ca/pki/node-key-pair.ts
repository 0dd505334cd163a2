import { createPrivateKey, createPublicKey } from "node:crypto";
import { x509 } from "./x509.ts";

/**
 * SK KeyReadWriter.Read on a restart, before the chain is validated: the key
 * file holds a PEM block (else "invalid PEM-encoded private key"), then Go's
 * tls.X509KeyPair checks that the certificate and the key parse and belong
 * together. Each failure throws an Error with the text SwarmKit / Go print.
 * An encrypted key (an autolocked manager's) is left to the unlock path.
 */
export function checkNodeKeyPair(certPem: Buffer, keyPem: Buffer): void {
  const key = pemBlocks(keyPem)[0];
  if (!key) throw new Error("invalid PEM-encoded private key");
  if (isEncrypted(key)) return;
  const certBlocks = pemBlocks(certPem);
  const certDer = certBlocks.find((b) => b.type === "CERTIFICATE");
  if (!certDer) throw new Error(noCertificateReason(certBlocks.map((b) => b.type)));
  if (key.type === "CERTIFICATE")
    throw new Error("tls: found a certificate rather than a key in the PEM for the private key");
  if (!key.type.endsWith("PRIVATE KEY")) {
    throw new Error(
      `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${key.type}]`,
    );
  }
  let certSpki: Buffer;
  try {
    certSpki = Buffer.from(new x509.X509Certificate(certDer.rawData).publicKey.rawData);
  } catch {
    throw new Error("x509: malformed certificate");
  }
  let keySpki: Buffer;
  try {
    const format = key.type === "PRIVATE KEY" ? "pkcs8" : key.type === "EC PRIVATE KEY" ? "sec1" : "pkcs1";
    const privateKey = createPrivateKey({ key: Buffer.from(key.rawData), format: "der", type: format });
    keySpki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  } catch {
    throw new Error("tls: failed to parse private key");
  }
  if (!keySpki.equals(certSpki)) throw new Error("tls: private key does not match public key");
}

/** Go's X509KeyPair when the certificate input holds no CERTIFICATE block. */
function noCertificateReason(skipped: string[]): string {
  if (skipped.length === 0) return "tls: failed to find any PEM data in certificate input";
  if (skipped.length === 1 && skipped[0]?.endsWith("PRIVATE KEY")) {
    return "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched";
  }
  return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(" ")}]`;
}

interface PemBlock {
  readonly type: string;
  readonly rawData: ArrayBuffer;
  readonly headers: readonly { key: string; value: string }[];
}

/** Go's pem.Decode over the whole input: the blocks that decode, none for garbage. */
function pemBlocks(pem: Buffer): PemBlock[] {
  try {
    return x509.PemConverter.decodeWithHeaders(pem.toString("utf8"));
  } catch {
    return [];
  }
}

/** keyutils.IsEncryptedPEMBlock: PKCS#8 "ENCRYPTED PRIVATE KEY", or a legacy Proc-Type header. */
function isEncrypted(block: PemBlock): boolean {
  return (
    block.type === "ENCRYPTED PRIVATE KEY" ||
    block.headers.some((h) => h.key === "Proc-Type" && h.value.includes("ENCRYPTED"))
  );
}

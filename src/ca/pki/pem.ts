import { type CryptoKey, EC_KEY, subtle, x509 } from "./x509.ts";

/**
 * PEM in and out for what the swarm CA keeps: keys as PKCS#8 "PRIVATE KEY"
 * blocks (SK ca/keyreadwriter.go), certificates as "CERTIFICATE" blocks.
 */
export async function privateKeyToPem(key: CryptoKey): Promise<Buffer> {
  const der = await subtle.exportKey("pkcs8", key);
  return Buffer.from(x509.PemConverter.encode(der, "PRIVATE KEY"));
}

/** The first PKCS#8 key of a PEM file, for signing; throws when there is none. */
export async function privateKeyFromPem(pem: Buffer): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeWithHeaders(pem.toString("utf8")).find((b) => b.type === "PRIVATE KEY");
  if (!der) throw new Error("no PKCS#8 private key in PEM data");
  return subtle.importKey("pkcs8", der.rawData, EC_KEY, true, ["sign"]);
}

/** Every CERTIFICATE block of a PEM bundle, parsed; blocks that do not parse throw. */
export function certificatesFromPem(pem: Buffer): x509.X509Certificate[] {
  let blocks: { type: string; rawData: ArrayBuffer }[];
  try {
    blocks = x509.PemConverter.decodeWithHeaders(pem.toString("utf8"));
  } catch {
    return [];
  }
  return blocks.filter((b) => b.type === "CERTIFICATE").map((b) => new x509.X509Certificate(b.rawData));
}

export function certificateToPem(cert: x509.X509Certificate): Buffer {
  return Buffer.from(`${cert.toString("pem")}\n`);
}

import { rpcError } from "../../rpc/status.ts";
import type { NodeIdentity, TlsRole } from "../credentials.ts";
import { certificatesFromPem } from "./pem.ts";
import { x509 } from "./x509.ts";

/** What a node certificate verified against the swarm's root says. */
export interface VerifiedNodeCertificate {
  readonly identity: NodeIdentity;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The issuer as moby's TLSInfo shows it: DER of its subject and of its public key (SPKI). */
  readonly issuer: { readonly subject: Buffer; readonly publicKey: Buffer };
}

/** SK ca.ValidateCertChain when the bundle holds no PEM certificate. */
export const NO_CERTIFICATES_TO_VALIDATE = "no certificates to validate";
const ROLES: readonly string[] = ["swarm-manager", "swarm-worker"] satisfies TlsRole[];

/**
 * SK ca.ValidateCertChain + x509 Verify: the leaf of `certPem` is inside its
 * validity window, signed by a CA certificate of `rootPem`; then its identity
 * (CN = node ID, OU = role, O = cluster ID). Every failure is an
 * RpcError(InvalidArgument) with the words SwarmKit / Go's x509 use.
 */
export async function verifyNodeCertificate(
  rootPem: Buffer,
  certPem: Buffer,
  now: Date = new Date(),
): Promise<VerifiedNodeCertificate> {
  const leaf = parseOne(certPem);
  if (now < leaf.notBefore) {
    throw invalid(
      `certificate (1 - ${cnOf(leaf)}) not valid before ${rfc1123(leaf.notBefore)}, and it is currently ${rfc1123(now)}`,
    );
  }
  if (now > leaf.notAfter) {
    throw invalid(
      `certificate (1 - ${cnOf(leaf)}) not valid after ${rfc1123(leaf.notAfter)}, and it is currently ${rfc1123(now)}`,
    );
  }
  const issuer = await issuerOf(leaf, certificatesFromPem(rootPem), now);
  return {
    identity: identityOf(leaf),
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    issuer: {
      subject: Buffer.from(issuer.subjectName.toArrayBuffer()),
      publicKey: Buffer.from(issuer.publicKey.rawData),
    },
  };
}

function parseOne(certPem: Buffer): x509.X509Certificate {
  let certs: x509.X509Certificate[];
  try {
    certs = certificatesFromPem(certPem);
  } catch (e) {
    throw rpcError("InvalidArgument", `failed to parse certificate: ${(e as Error).message}`);
  }
  const leaf = certs[0];
  if (!leaf) throw rpcError("InvalidArgument", NO_CERTIFICATES_TO_VALIDATE);
  return leaf;
}

/** Go's x509 chain building: a root with the leaf's issuer name whose key verifies the signature. */
async function issuerOf(leaf: x509.X509Certificate, roots: x509.X509Certificate[], now: Date) {
  const issuerDer = Buffer.from(leaf.issuerName.toArrayBuffer());
  const candidates = roots.filter((r) => Buffer.from(r.subjectName.toArrayBuffer()).equals(issuerDer));
  for (const root of candidates) {
    const ca = root.getExtension(x509.BasicConstraintsExtension)?.ca === true;
    if (ca && now >= root.notBefore && now <= root.notAfter && (await signedBy(leaf, root))) return root;
  }
  const candidate = candidates[0];
  throw candidate
    ? invalid(
        `x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "${cnOf(candidate)}")`,
      )
    : invalid("x509: certificate signed by unknown authority");
}

async function signedBy(leaf: x509.X509Certificate, root: x509.X509Certificate): Promise<boolean> {
  return leaf.verify({ publicKey: root.publicKey, signatureOnly: true }).catch(() => false);
}

function identityOf(leaf: x509.X509Certificate): NodeIdentity {
  const name = leaf.subjectName;
  const role = name.getField("OU")[0] ?? "";
  // SK ca.ParseRole.
  if (!ROLES.includes(role)) throw invalid(`failed to parse role: ${role}`);
  return { nodeId: name.getField("CN")[0] ?? "", role: role as TlsRole, clusterId: name.getField("O")[0] ?? "" };
}

const cnOf = (cert: x509.X509Certificate) => cert.subjectName.getField("CN")[0] ?? "";
const invalid = (message: string) => rpcError("InvalidArgument", message);

/** Go's time.RFC1123 in UTC: "Mon, 02 Jan 2006 15:04:05 UTC". */
function rfc1123(d: Date): string {
  return d.toUTCString().replace(/GMT$/, "UTC");
}

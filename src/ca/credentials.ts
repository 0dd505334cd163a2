import type { ChannelCredentials, Metadata, ServerCredentials } from "@grpc/grpc-js";

/** Swarm's role strings, as in certificate OUs (SK: ca/config.go). */
export type TlsRole = "swarm-manager" | "swarm-worker";

/** Who a node is: what Swarm reads from a node certificate (CN, OU, O). */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly role: TlsRole;
  readonly clusterId: string;
}

/**
 * The seam where mutual TLS goes. A manager authenticates every Dispatcher call
 * to a NodeIdentity; an agent presents one. The first implementation is an
 * unsigned identity in call metadata (insecure-credentials.ts); the CA issue
 * replaces it with certificates from the swarm's own root CA, behind the same
 * two interfaces.
 */
export interface ServerSideCredentials {
  serverCredentials(): ServerCredentials;
  /** Throws RpcError(PermissionDenied, "Permission denied: …") as SK: ca/auth.go does. */
  authenticate(metadata: Metadata, peer: string): NodeIdentity;
}

export interface ClientSideCredentials {
  readonly identity: NodeIdentity;
  channelCredentials(): ChannelCredentials;
  /** Added to every call. */
  callMetadata(): Metadata;
}

/** What a successful join (NodeCA.IssueNodeCertificate + NodeCertificateStatus) hands back. */
export interface IssuedIdentity {
  readonly identity: NodeIdentity;
  /** The certificate (PEM) to keep in <state-dir>/swarm/certificates/swarm-node.crt and load on restart. */
  readonly certificate: Buffer;
  /** Its private key (PKCS#8 PEM, swarm-node.key): made on the node, never sent. */
  readonly key: Buffer;
}

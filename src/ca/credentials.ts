import type { ChannelCredentials, ChannelOptions, Metadata, ServerCredentials, ServerUnaryCall } from "@grpc/grpc-js";

/** grpc-js's AuthContext (not exported by name): the verified TLS peer certificate, if any. */
type AuthContext = ReturnType<ServerUnaryCall<unknown, unknown>["getAuthContext"]>;

/** Swarm's role strings, as in certificate OUs (SK: ca/config.go). */
export type TlsRole = "swarm-manager" | "swarm-worker";

/** Who a node is: what Swarm reads from a node certificate (CN, OU, O). */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly role: TlsRole;
  readonly clusterId: string;
}

/** What a server reads a caller from: the call's TLS peer (and, for a relayed call, what the leader accepted). */
export interface PeerCall {
  readonly metadata: Metadata;
  getPeer(): string;
  getAuthContext(): AuthContext | null;
}

/**
 * Mutual TLS with the swarm's root CA (src/ca/tls/): a manager presents its
 * node certificate and authorizes every call from the caller's verified
 * certificate; a node presents its own.
 */
export interface ServerSideCredentials {
  serverCredentials(): ServerCredentials;
  /**
   * SK AuthorizeForwardedRoleAndOrg: the caller's identity when its certificate
   * holds one of `roles` (default: worker and manager) of this cluster; else
   * throws RpcError(PermissionDenied, "Permission denied: …") as SK: ca/auth.go words it.
   */
  authenticate(call: PeerCall, roles?: readonly TlsRole[]): NodeIdentity;
  /** SK AuthorizeOrgAndRole on the direct TLS peer, unwrapped (how the leader checks a forwarder). */
  authenticatePeer(call: PeerCall, roles: readonly TlsRole[]): NodeIdentity;
}

export interface ClientSideCredentials {
  readonly identity: NodeIdentity;
  /** For each new channel: the node's current certificate, pinned to its current root. */
  channelCredentials(): ChannelCredentials;
  /** The options a channel needs with these credentials (the TLS server name). */
  channelOptions(): ChannelOptions;
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
  /**
   * swarmbus: a manager's NATS user JWT for the nkey the node sent with its CSR
   * (Certificate.nats_user_jwt); absent or "" for a worker, or when none was issued.
   */
  readonly natsUserJwt?: string;
}

import { Metadata } from "@grpc/grpc-js";
import { z } from "zod";
import type { NodeIdentity, TlsRole } from "../../ca/credentials.ts";
import { encodeIdentityCertificate, IDENTITY_METADATA_KEY } from "../../ca/insecure-credentials.ts";
import { rpcError, toRpcError } from "../../rpc/status.ts";

/**
 * The metadata a follower adds when it relays a call to the leader, with the
 * keys of SK: ca/forward.go (`WithMetadataForwardTLSInfo`) and the raft proxy's
 * `redirect`: the caller's certificate subject (CN = node ID, OU = role,
 * O = cluster ID), its address, and the addresses the call was redirected from.
 * A caller without an identity is forwarded with blank values, as Swarm does:
 * without them the call would look as if the manager itself made it.
 */
export const REDIRECT_KEY = "redirect";
export const FORWARDED_CERT_KEY = "forwarded_cert";
export const FORWARDED_CN_KEY = "forwarded_cert_cn";
export const FORWARDED_OU_KEY = "forwarded_cert_ou";
export const FORWARDED_ORG_KEY = "forwarded_cert_org";
export const REMOTE_ADDR_KEY = "remote_addr";

const FORWARD_KEYS = [FORWARDED_CERT_KEY, FORWARDED_CN_KEY, FORWARDED_OU_KEY, FORWARDED_ORG_KEY, REMOTE_ADDR_KEY];
/** Headers grpc-js owns: never copied from an incoming call to an outgoing one. */
const RESERVED = /^(grpc-|:)|^(user-agent|content-type|te|host|authority|content-length|accept-encoding)$/;

/** The subject of a caller's certificate, as read by the follower (blank fields when it has none). */
export interface CertSubject {
  readonly cn: string;
  readonly ou: readonly string[];
  readonly org: string;
}

const insecureIdentity = z.object({ nodeId: z.string(), role: z.string(), clusterId: z.string() });

/**
 * The caller's subject under insecure credentials (the identity document in
 * `x-swarmbus-identity`), undefined when it has none. Like a TLS handshake it
 * only reads the identity; authorization is the leader's.
 */
export function insecureCallerSubject(md: Metadata): CertSubject | undefined {
  const first = md.get(IDENTITY_METADATA_KEY)[0];
  if (first === undefined) return undefined;
  try {
    const bytes = typeof first === "string" ? Buffer.from(first, "base64") : first;
    const r = insecureIdentity.safeParse(JSON.parse(bytes.toString("utf8")));
    return r.success ? { cn: r.data.nodeId, ou: [r.data.role], org: r.data.clusterId } : undefined;
  } catch {
    return undefined;
  }
}

/** The addresses a call was already redirected from. */
export function redirectsOf(md: Metadata): string[] {
  return md.get(REDIRECT_KEY).map((v) => (typeof v === "string" ? v : v.toString("utf8")));
}

/**
 * The metadata of the relayed call: the caller's metadata minus its identity
 * and any forwarded keys it sent itself, plus this manager's own call metadata
 * (its identity), the caller's subject, its address and `redirect`.
 */
export function forwardMetadata(
  incoming: Metadata,
  own: Metadata,
  caller: CertSubject | undefined,
  peer: string,
): Metadata {
  const out = new Metadata();
  for (const key of Object.keys(incoming.getMap())) {
    if (RESERVED.test(key) || key === IDENTITY_METADATA_KEY || FORWARD_KEYS.includes(key) || key === REDIRECT_KEY) {
      continue;
    }
    for (const v of incoming.get(key)) out.add(key, v);
  }
  out.merge(own);
  out.set(FORWARDED_CERT_KEY, "true");
  out.set(FORWARDED_CN_KEY, caller?.cn ?? "");
  out.set(FORWARDED_ORG_KEY, caller?.org ?? "");
  if (caller && caller.ou.length > 0) for (const ou of caller.ou) out.add(FORWARDED_OU_KEY, ou);
  else out.set(FORWARDED_OU_KEY, "");
  out.set(REMOTE_ADDR_KEY, peer);
  for (const r of redirectsOf(incoming)) out.add(REDIRECT_KEY, r);
  out.add(REDIRECT_KEY, peer);
  return out;
}

export const isForwarded = (md: Metadata): boolean => md.get(FORWARDED_CERT_KEY).length > 0;

const str = (md: Metadata, key: string): string[] =>
  md.get(key).map((v) => (typeof v === "string" ? v : v.toString("utf8")));

/** What the leader makes of a forwarded call. */
export interface ForwardedCall {
  /** The original node, or undefined when it presented no identity (a joining node). */
  readonly identity: NodeIdentity | undefined;
  readonly remoteAddr: string | undefined;
}

export interface ForwardPolicy {
  /** The forwarder's own authentication (the server credentials of this manager). */
  authenticateForwarder(md: Metadata, peer: string): NodeIdentity;
  /** The cluster ID (certificate organization) this manager belongs to. */
  clusterId(): string;
  /** Roles the original caller may have (Dispatcher: worker and manager). */
  readonly authorizedRoles: readonly TlsRole[];
  /** Whether a forwarded call must carry the caller's identity (Dispatcher yes, NodeCA no: joiners have none). */
  readonly requireIdentity: boolean;
}

const ROLES: readonly TlsRole[] = ["swarm-worker", "swarm-manager"];

/**
 * SK: ca/auth.go AuthorizeForwardedRoleAndOrg for a call carrying forwarded
 * info: the forwarder must be a manager of this cluster; the forwarded subject
 * must be complete, of an authorized role and of this organization.
 */
export function authorizeForwarded(md: Metadata, peer: string, policy: ForwardPolicy): ForwardedCall {
  let forwarder: NodeIdentity;
  try {
    forwarder = policy.authenticateForwarder(md, peer);
    if (forwarder.role !== "swarm-manager") {
      throw rpcError("PermissionDenied", "Permission denied: remote certificate not part of OUs: [swarm-manager]");
    }
  } catch (e) {
    throw rpcError("PermissionDenied", `Permission denied: unauthorized forwarder role: ${toRpcError(e).grpcText}`);
  }
  const cn = str(md, FORWARDED_CN_KEY)[0] ?? "";
  const org = str(md, FORWARDED_ORG_KEY)[0] ?? "";
  const ous = str(md, FORWARDED_OU_KEY).filter((o) => o !== "");
  const remoteAddr = str(md, REMOTE_ADDR_KEY)[0] || undefined;
  if (ous.length === 0 || cn === "" || org === "") {
    if (!policy.requireIdentity) return { identity: undefined, remoteAddr };
    throw rpcError("PermissionDenied", "Permission denied: missing information in forwarded request");
  }
  const role = ous.find((o): o is TlsRole => (policy.authorizedRoles as readonly string[]).includes(o));
  if (!role) {
    throw rpcError(
      "PermissionDenied",
      `Permission denied: unauthorized forwarded role, expecting: [${policy.authorizedRoles.join(" ")}]`,
    );
  }
  const expected = policy.clusterId();
  if (org !== expected) {
    throw rpcError("PermissionDenied", `Permission denied: organization mismatch, expecting: ${expected}`);
  }
  return { identity: { nodeId: cn, role, clusterId: org }, remoteAddr };
}

export const ALL_ROLES = ROLES;

/**
 * The metadata the local handler sees for an authorized forwarded call: the
 * original node's identity in place of the forwarder's (so the handler's own
 * authentication, removed-node checks included, applies to the original node),
 * no forwarded keys. Without a forwarded identity the call carries none.
 */
export function presentAsOriginal(md: Metadata, identity: NodeIdentity | undefined): Metadata {
  const out = md.clone();
  out.remove(IDENTITY_METADATA_KEY);
  for (const k of FORWARD_KEYS) out.remove(k);
  if (identity) out.set(IDENTITY_METADATA_KEY, encodeIdentityCertificate(identity).toString("base64"));
  return out;
}

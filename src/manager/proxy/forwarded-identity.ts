import { Metadata } from "@grpc/grpc-js";
import type { NodeIdentity, PeerCall, TlsRole } from "../../ca/credentials.ts";
import { verifiedSubject } from "../../ca/tls/peer-identity.ts";
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

/**
 * The caller's subject from its verified TLS certificate, undefined when it
 * presented none. The follower only reads it; authorization is the leader's.
 */
export function tlsCallerSubject(call: PeerCall): CertSubject | undefined {
  return verifiedSubject(call);
}

/** The addresses a call was already redirected from. */
export function redirectsOf(md: Metadata): string[] {
  return md.get(REDIRECT_KEY).map((v) => (typeof v === "string" ? v : v.toString("utf8")));
}

/**
 * The metadata of the relayed call: the caller's metadata minus any forwarded
 * keys it sent itself, plus this manager's own call metadata, the caller's subject, its address and `redirect`.
 */
export function forwardMetadata(
  incoming: Metadata,
  own: Metadata,
  caller: CertSubject | undefined,
  peer: string,
): Metadata {
  const out = new Metadata();
  for (const key of Object.keys(incoming.getMap())) {
    if (RESERVED.test(key) || FORWARD_KEYS.includes(key) || key === REDIRECT_KEY) {
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
  /** The forwarder's own authentication from its TLS certificate (the server credentials of this manager). */
  authenticateForwarder(call: PeerCall): NodeIdentity;
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
export function authorizeForwarded(call: PeerCall, policy: ForwardPolicy): ForwardedCall {
  try {
    policy.authenticateForwarder(call);
  } catch (e) {
    throw rpcError("PermissionDenied", `Permission denied: unauthorized forwarder role: ${toRpcError(e).grpcText}`);
  }
  const md = call.metadata;
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

/** The metadata the local handler sees for an authorized forwarded call: no forwarded keys. */
export function withoutForwardKeys(md: Metadata): Metadata {
  const out = md.clone();
  for (const k of FORWARD_KEYS) out.remove(k);
  return out;
}

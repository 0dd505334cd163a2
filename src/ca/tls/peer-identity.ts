import type { PeerCertificate } from "node:tls";
import { type RpcError, rpcError, toRpcError } from "../../rpc/status.ts";
import type { NodeIdentity, PeerCall, TlsRole } from "../credentials.ts";
import { cachedPeerSubject, type PeerSubject } from "./peer-subject-cache.ts";

/**
 * The caller of a call, as SK ca/auth.go reads it: the subject of the peer
 * certificate that the TLS handshake verified against the swarm's root
 * (grpc-js hands it over only when Node's TLS authorized the chain), or, for a
 * call a follower relayed and the leader accepted (forwarded-identity.ts), the
 * original node's identity. Nothing a caller writes in its metadata counts.
 */
export const ALL_ROLES: readonly TlsRole[] = ["swarm-worker", "swarm-manager"];

/** Calls a manager accepted as relayed by another manager: the original caller (null: it had no certificate). */
const forwarded = new WeakMap<object, NodeIdentity | null>();

/** The leader accepted `call` as relayed for `identity` (SK ca/forward.go): it is that node's call now. */
export function presentAsForwarded(call: object, identity: NodeIdentity | undefined): void {
  forwarded.set(call, identity ?? null);
}

/** The verified certificate's subject: CN, OUs, O; undefined without a verified certificate. */
export function verifiedSubject(call: PeerCall): PeerSubject | undefined {
  return cachedPeerSubject(call, () => {
    const cert = call.getAuthContext()?.sslPeerCertificate;
    if (!cert?.raw) return undefined;
    return { cn: first(cert.subject, "CN"), ou: all(cert.subject, "OU"), org: first(cert.subject, "O") };
  });
}

/**
 * SK AuthorizeForwardedRoleAndOrg for a call served here (a forwarded call was
 * authorized when it was accepted): the caller must hold one of `roles` and
 * belong to `org`. Refusals read as SwarmKit composes them: "Permission
 * denied: unauthorized peer role: " and the inner status error.
 */
export function authorizeCaller(call: PeerCall, org: string, roles: readonly TlsRole[]): NodeIdentity {
  if (forwarded.has(call)) {
    const id = forwarded.get(call);
    if (!id) throw unauthorized(rpcError("PermissionDenied", "no client certificates in request"));
    if (!roles.includes(id.role)) throw unauthorized(notPartOfOUs(roles));
    return id;
  }
  try {
    return authorizeOrgAndRole(call, org, roles);
  } catch (e) {
    throw unauthorized(toRpcError(e));
  }
}

/**
 * SK AuthorizeOrgAndRole on the direct TLS peer (never a forwarded identity):
 * its verified certificate holds one of `roles` and names `org`.
 */
export function authorizeOrgAndRole(call: PeerCall, org: string, roles: readonly TlsRole[]): NodeIdentity {
  const subject = verifiedSubject(call);
  // grpc-js shows no certificate that failed verification: to the caller it is the same as none.
  if (!subject) throw rpcError("PermissionDenied", "no client certificates in request");
  const role = subject.ou.find((o): o is TlsRole => (roles as readonly string[]).includes(o));
  if (!role) throw notPartOfOUs(roles);
  if (subject.org !== org) {
    throw rpcError("PermissionDenied", `Permission denied: remote certificate not part of organization: ${org}`);
  }
  return { nodeId: subject.cn, role, clusterId: subject.org };
}

/** SK AuthorizeOrgAndRole's refusal for the OUs (Go prints a []string as "[a b]"). */
export const notPartOfOUs = (roles: readonly string[]): RpcError =>
  rpcError("PermissionDenied", `Permission denied: remote certificate not part of OUs: [${roles.join(" ")}]`);

const unauthorized = (inner: RpcError): RpcError =>
  rpcError("PermissionDenied", `Permission denied: unauthorized peer role: ${inner.grpcText}`);

type Subject = PeerCertificate["subject"];
const all = (s: Subject, k: string): string[] => {
  const v = (s as unknown as Record<string, string | string[] | undefined>)[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const first = (s: Subject, k: string): string => all(s, k)[0] ?? "";

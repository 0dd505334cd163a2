import type { Metadata, ServerUnaryCall, ServerWritableStream } from "@grpc/grpc-js";
import type { ClientSideCredentials, PeerCall, ServerSideCredentials, TlsRole } from "../../ca/credentials.ts";
import { presentAsForwarded } from "../../ca/tls/peer-identity.ts";
import type { RpcError } from "../../rpc/status.ts";
import { MalformedRequest } from "../safe-service.ts";
import {
  ALL_ROLES,
  authorizeForwarded,
  type CertSubject,
  type ForwardPolicy,
  forwardMetadata,
  isForwarded,
  redirectsOf,
  withoutForwardKeys,
} from "./forwarded-identity.ts";
import { moreThanOneRedirect } from "./leader-conn.ts";

/** A call the raft proxy serves or relays: unary or server stream. */
export type ProxiedCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

const FORWARDER_ROLES: readonly TlsRole[] = ["swarm-manager"];

/** How the leader checks who forwarded a call (SK ca/forward.go). */
export function forwardPolicy(
  serverCredentials: ServerSideCredentials,
  clusterId: () => string,
  requireIdentity: boolean,
): ForwardPolicy {
  return {
    // SK: the forwarder's own certificate must be a manager's of this cluster.
    authenticateForwarder: (call) => serverCredentials.authenticatePeer(call, FORWARDER_ROLES),
    clusterId,
    authorizedRoles: ALL_ROLES as readonly TlsRole[],
    requireIdentity,
  };
}

/** Leader side: authorize a forwarded call and present it as the original node's. Throws the refusal. */
export function acceptForwarded(call: ProxiedCall, p: ForwardPolicy): void {
  if (!isForwarded(call.metadata)) return;
  const fwd = authorizeForwarded(call, p);
  (call as { metadata: Metadata }).metadata = withoutForwardKeys(call.metadata);
  presentAsForwarded(call, fwd.identity);
  const remote = fwd.remoteAddr;
  if (remote !== undefined) call.getPeer = () => remote;
}

/** The caller's deadline (epoch ms), or undefined when it set none. */
export function callerDeadline(call: { getDeadline(): Date | number }): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

/** A request that did not decode: answered here, never relayed. */
export function malformed(call: ProxiedCall): RpcError | undefined {
  return call.request instanceof MalformedRequest ? call.request.toRpcError() : undefined;
}

/**
 * Follower side: the metadata the call goes to the leader with (one hop only:
 * a call already redirected is refused ResourceExhausted).
 */
export function relayMetadata(
  call: ProxiedCall,
  clientCredentials: ClientSideCredentials,
  callerSubject: (call: PeerCall) => CertSubject | undefined,
): Metadata {
  const redirects = redirectsOf(call.metadata);
  if (redirects.length > 0) throw moreThanOneRedirect(redirects);
  return forwardMetadata(call.metadata, clientCredentials.callMetadata(), callerSubject(call), call.getPeer());
}

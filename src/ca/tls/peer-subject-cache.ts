import { TLSSocket } from "node:tls";
import type { PeerCall } from "../credentials.ts";

/** The verified peer certificate's subject, as ca/auth.go reads it. */
export interface PeerSubject {
  readonly cn: string;
  readonly ou: string[];
  readonly org: string;
}

/**
 * grpc-js's getAuthContext() builds the peer certificate object (fingerprints,
 * parsed names, the raw DER) on every call: ~0.2 ms each, which at 5,000 agents
 * heartbeating every 5 s was a large share of the manager's CPU under mutual TLS.
 * A TLS 1.3 connection's peer certificate never changes, so the subject is read
 * once per connection and kept with its socket. The socket is reached through
 * grpc-js internals (the call's chain down to its HTTP/2 stream); when that path
 * is not there, every call asks getAuthContext() as before.
 */
const bySocket = new WeakMap<TLSSocket, PeerSubject | null>();

export function cachedPeerSubject(call: PeerCall, read: () => PeerSubject | undefined): PeerSubject | undefined {
  const socket = tlsSocketOf(call);
  if (!socket) return read();
  const known = bySocket.get(socket);
  if (known !== undefined) return known ?? undefined;
  const subject = read();
  // An unverified or certificate-less peer stays so for the life of the connection as well.
  bySocket.set(socket, subject ?? null);
  return subject;
}

interface Hop {
  call?: unknown;
  nextCall?: unknown;
  stream?: { session?: { socket?: unknown } };
}

/** The TLS socket under a server call, found by walking grpc-js's call chain; null if the shape is not there. */
export function tlsSocketOf(call: PeerCall): TLSSocket | null {
  let hop: Hop | undefined = (call as Hop).call as Hop | undefined;
  for (let depth = 0; hop && depth < 8; depth++) {
    const socket = hop.stream?.session?.socket;
    if (socket !== undefined) return socket instanceof TLSSocket ? socket : null;
    hop = hop.nextCall as Hop | undefined;
  }
  return null;
}

import { isIPv6 } from "node:net";
import type { ServiceError } from "@grpc/grpc-js";
import { Code, codeName, RpcError } from "./status.ts";

/**
 * A grpc-js client error as grpc-go reports the same failure: dial failures as
 * grpc-go's transport says them ("connection error: desc = \"transport: Error
 * while dialing dial tcp …\""), a passed deadline as "context deadline exceeded",
 * a service the server does not have as "unknown service …"; anything the server
 * answered keeps its code and text. What Swarm prints comes from grpc-go, so a
 * failed call made here prints the same.
 */
export function grpcGoError(err: ServiceError): RpcError {
  const details = err.details ?? err.message;
  const status = (desc: string) => new RpcError(Code[codeName(err.code)], desc);
  if (err.code === Code.DeadlineExceeded) return status("context deadline exceeded");
  if (err.code === Code.Unimplemented) {
    const m = /does not implement the method \/([^/]+)\//.exec(details);
    if (m) return status(`unknown service ${m[1]}`);
  }
  if (err.code === Code.Unavailable) {
    const dialing = (what: string) => status(`connection error: desc = "transport: Error while dialing ${what}"`);
    const connect = /connect (E[A-Z]+) ([0-9a-fA-F:.]+:\d+)/.exec(details);
    if (connect?.[1] && connect[2]) {
      const reason = connectErrno[connect[1]] ?? connect[1];
      return dialing(`dial tcp ${dialTarget(connect[2])}: connect: ${reason}`);
    }
    if (UNKNOWN_AUTHORITY.test(details)) {
      return status(
        'connection error: desc = "transport: authentication handshake failed: x509: certificate signed by unknown authority"',
      );
    }
    const dns = /Name resolution failed for target dns:(.+):\d+$/.exec(details);
    if (dns) return dialing(`dial tcp: lookup ${dns[1]}: no such host`);
  }
  return status(details);
}

/**
 * What Node's TLS says when the server's certificate does not chain to the
 * pinned root (Go's x509.UnknownAuthorityError).
 */
const UNKNOWN_AUTHORITY =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate|certificate signature failure/i;

/** What grpc-go's `status.Error.Error()` prints for the failed call. */
export const grpcGoText = (err: ServiceError): string => grpcGoError(err).grpcText;

/** grpc-go's `dial tcp HOST:PORT` (IPv6 hosts in brackets). */
function dialTarget(hostPort: string): string {
  const i = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, i);
  return isIPv6(host) ? `[${host}]:${hostPort.slice(i + 1)}` : hostPort;
}

/** Go's net error text for a Node errno on connect. */
const connectErrno: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  ETIMEDOUT: "connection timed out",
  ECONNRESET: "connection reset by peer",
};

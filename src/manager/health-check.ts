import { isIPv6 } from "node:net";
import type { ServiceError } from "@grpc/grpc-js";
import type { ClientSideCredentials } from "../ca/credentials.ts";
import type {
  HealthCheckResponse__Output,
  _docker_swarmkit_v1_HealthCheckResponse_ServingStatus__Output as ServingStatus,
} from "../gen/docker/swarmkit/v1/HealthCheckResponse.ts";
import { swarmkit } from "../rpc/proto.ts";
import { Code, codeName, RpcError, rpcError } from "../rpc/status.ts";

/**
 * SK raft.go checkHealth's call: dial `addr`, ask Health.Check for `service`,
 * within `timeoutMs`. Resolves with the serving status; a call that fails
 * rejects with an RpcError whose text is what grpc-go's error prints for the same
 * failure (code Unknown, as a plain Go error travels), so the leader's Join
 * error reads as SwarmKit's.
 */
export function checkHealth(
  addr: string,
  opts: { service: string; timeoutMs: number; credentials: ClientSideCredentials },
): Promise<ServingStatus> {
  const client = new swarmkit.Health(addr, opts.credentials.channelCredentials());
  return new Promise<ServingStatus>((resolve, reject) => {
    client.Check(
      { service: opts.service },
      opts.credentials.callMetadata(),
      { deadline: Date.now() + opts.timeoutMs },
      (err: ServiceError | null, res?: HealthCheckResponse__Output) => {
        client.close();
        if (err) reject(rpcError("Unknown", grpcGoText(err)));
        else resolve(res?.status ?? "UNKNOWN");
      },
    );
  });
}

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

/**
 * What grpc-go's `status.Error.Error()` prints for a failed unary call, from
 * grpc-js's error: dial failures as grpc-go's transport reports them
 * ("connection error: desc = \"transport: Error while dialing dial tcp …\""),
 * a passed deadline as "context deadline exceeded", a service the server does
 * not have as "unknown service …"; anything the server answered keeps its text.
 */
export function grpcGoText(err: ServiceError): string {
  const details = err.details ?? err.message;
  const status = (desc: string, code: number = err.code) => new RpcError(codeFor(code), desc).grpcText;
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
    const dns = /Name resolution failed for target dns:(.+):\d+$/.exec(details);
    if (dns) return dialing(`dial tcp: lookup ${dns[1]}: no such host`);
  }
  return status(details);
}

function codeFor(code: number): (typeof Code)[keyof typeof Code] {
  return Code[codeName(code)];
}

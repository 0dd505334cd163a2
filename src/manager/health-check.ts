import type { ServiceError } from "@grpc/grpc-js";
import type { ClientSideCredentials } from "../ca/credentials.ts";
import type {
  HealthCheckResponse__Output,
  _docker_swarmkit_v1_HealthCheckResponse_ServingStatus__Output as ServingStatus,
} from "../gen/docker/swarmkit/v1/HealthCheckResponse.ts";
import { grpcGoText } from "../rpc/grpc-go-error.ts";
import { swarmkit } from "../rpc/proto.ts";
import { rpcError } from "../rpc/status.ts";

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
  const client = new swarmkit.Health(addr, opts.credentials.channelCredentials(), opts.credentials.channelOptions());
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

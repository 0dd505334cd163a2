import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { ServerSideCredentials } from "../ca/credentials.ts";
import type { HealthCheckRequest__Output } from "../gen/docker/swarmkit/v1/HealthCheckRequest.ts";
import type {
  HealthCheckResponse,
  _docker_swarmkit_v1_HealthCheckResponse_ServingStatus__Output as ServingStatus,
} from "../gen/docker/swarmkit/v1/HealthCheckResponse.ts";
import { rpcError, toRpcError } from "../rpc/status.ts";
import { decoded, type MalformedRequest } from "./safe-service.ts";

export type { ServingStatus };

/** SK health.proto tls_authorization: Check is for the swarm-manager role. */
const MANAGERS_ONLY = ["swarm-manager"] as const;

/** The service names SwarmKit's manager registers ("Raft" before it joins, "ControlAPI" once its API serves). */
export type HealthService = "Raft" | "ControlAPI";

/**
 * SwarmKit's manager/health Server: a serving status per service name. Every
 * manager serves it on its own gRPC listener and answers from its own table:
 * the call is never relayed to the leader (what the leader asks a joiner is
 * whether *that* process is up at the address it advertised).
 */
export class HealthServer {
  private readonly status = new Map<string, ServingStatus>();

  setServingStatus(service: HealthService, status: ServingStatus): void {
    this.status.set(service, status);
  }

  /** SK health.Check: "" is the server itself (always SERVING); an unknown name is NotFound. */
  check(service: string): ServingStatus {
    if (service === "") return "SERVING";
    const s = this.status.get(service);
    if (s === undefined) throw rpcError("NotFound", "unknown service");
    return s;
  }

  /**
   * The grpc-js handlers. SwarmKit's health.proto authorizes Check for the
   * swarm-manager role (tls_authorization): a worker's or a stranger's call is
   * PermissionDenied as ca/auth.go words it.
   */
  handlers(credentials: ServerSideCredentials): UntypedServiceImplementation {
    return {
      Check: (
        call: ServerUnaryCall<HealthCheckRequest__Output | MalformedRequest, HealthCheckResponse>,
        cb: sendUnaryData<HealthCheckResponse>,
      ) => {
        try {
          const req = decoded(call.request);
          credentials.authenticate(call, MANAGERS_ONLY);
          cb(null, { status: this.check(req.service) });
        } catch (e) {
          cb(toRpcError(e).toServiceError());
        }
      },
    };
  }
}

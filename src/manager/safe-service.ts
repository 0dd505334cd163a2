import type { ServiceDefinition } from "@grpc/grpc-js";
import { type RpcError, rpcError } from "../rpc/status.ts";
import { wireProblem } from "./wire-check.ts";

/**
 * grpc-js answers INTERNAL when a request deserializer throws. Swarm answers bad
 * input with InvalidArgument, so the services are registered with a deserializer
 * that never throws: undecodable bytes become a MalformedRequest, and the handler
 * (see `decoded`) answers InvalidArgument while the server keeps serving.
 */
export class MalformedRequest {
  constructor(
    readonly method: string,
    readonly reason: string,
  ) {}
  toRpcError(): RpcError {
    return rpcError("InvalidArgument", `malformed ${this.method} request: ${this.reason}`);
  }
}

export function tolerantService<S extends ServiceDefinition>(service: S): S {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(service)) {
    const typeName = requestTypeName(def);
    out[name] = {
      ...def,
      requestDeserialize: (buf: Buffer): unknown => {
        const problem = typeName ? wireProblem(typeName, buf) : undefined;
        if (problem) return new MalformedRequest(name, problem);
        try {
          return def.requestDeserialize(buf);
        } catch (e) {
          return new MalformedRequest(name, e instanceof Error ? e.message : String(e));
        }
      },
    };
  }
  return out as S;
}

/** "docker.swarmkit.v1.HeartbeatRequest" for a proto-loader method definition. */
function requestTypeName(def: unknown): string | undefined {
  const d = def as { path?: string; requestType?: { type?: { name?: unknown } } };
  const name = d.requestType?.type?.name;
  const pkg = d.path?.split("/")[1]?.split(".").slice(0, -1).join(".");
  return typeof name === "string" && pkg ? `${pkg}.${name}` : undefined;
}

/** The request, or throws the InvalidArgument RpcError for a MalformedRequest. */
export function decoded<T>(req: T | MalformedRequest): T {
  if (req instanceof MalformedRequest) throw req.toRpcError();
  return req;
}

import type { status as grpcStatus, ServiceError } from "@grpc/grpc-js";

/** gRPC status codes with the names Go's `codes` package prints (the seed's table, 0..16). */
export const Code = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;
export type CodeName = keyof typeof Code;
export type CodeNumber = (typeof Code)[CodeName];

const names = Object.fromEntries(Object.entries(Code).map(([k, v]) => [v, k])) as Record<number, CodeName>;

export function codeName(code: number): CodeName {
  return names[code] ?? "Unknown";
}

/**
 * The one error type that crosses every boundary: a gRPC code and Swarm's message.
 * `plain` marks the daemon-level messages that docker prints without the
 * "rpc error: code = … desc = …" wrapper ("This node is already part of a swarm…").
 */
export class RpcError extends Error {
  readonly code: CodeNumber;
  readonly plain: boolean;
  constructor(code: CodeNumber, message: string, opts: { plain?: boolean } = {}) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.plain = opts.plain ?? false;
  }

  /** What Go's status.Error(...).Error() prints. */
  get grpcText(): string {
    return `rpc error: code = ${codeName(this.code)} desc = ${this.message}`;
  }

  /** What `docker` prints for this error, as the CLI's last line (its API client trims the daemon's message). */
  get dockerText(): string {
    return `Error response from daemon: ${(this.plain ? this.message : this.grpcText).trim()}`;
  }

  toJSON(): WireError {
    return { code: this.code, message: this.message, ...(this.plain ? { plain: true } : {}) };
  }

  /**
   * For grpc-js handlers: a ServiceError the library sends as this status. No
   * trailers of our own (grpc-js sends empty ones), so this module loads no
   * grpc-js at run time and a CLI that only talks NATS starts without it.
   */
  toServiceError(): Partial<ServiceError> {
    return { code: this.code as grpcStatus, details: this.message };
  }
}

export interface WireError {
  code: number;
  message: string;
  plain?: boolean;
}

export const rpcError = (code: CodeName, message: string, opts?: { plain?: boolean }) =>
  new RpcError(Code[code], message, opts);

export function isRpcError(e: unknown, code?: CodeName): e is RpcError {
  return e instanceof RpcError && (code === undefined || e.code === Code[code]);
}

/** Any thrown value, as an RpcError: grpc-js errors keep their code, anything else is Unknown. */
export function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  if (isServiceError(e)) {
    const code = (e.code in names ? e.code : Code.Unknown) as CodeNumber;
    return new RpcError(code, e.details ?? e.message);
  }
  if (e instanceof Error) return new RpcError(Code.Unknown, e.message);
  return new RpcError(Code.Unknown, String(e));
}

export function fromWire(w: WireError): RpcError {
  const code = (w.code in names ? w.code : Code.Unknown) as CodeNumber;
  return new RpcError(code, w.message, { plain: w.plain ?? false });
}

function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === "number" && "details" in e;
}

import type { Metadata, MethodDefinition, ServiceError } from "@grpc/grpc-js";
import type { RpcError } from "../../rpc/status.ts";
import type { ForwardPolicy } from "./forwarded-identity.ts";
import type { LeaderChannels } from "./leader-channels.ts";
import type { LeaderChooser } from "./leader-choice.ts";
import type { LeaderInfo } from "./leader-conn.ts";
import type { ProxiedCall } from "./relayed-call.ts";

export type AnyMethod = MethodDefinition<unknown, unknown>;

/** What both relays (unary, stream) share on one manager. */
export interface RelayContext {
  readonly leader: LeaderInfo;
  readonly chooser: LeaderChooser;
  readonly channels: LeaderChannels;
  /** How long a call that names no deadline waits for a leader. */
  readonly requestTimeoutMs: number;
  /** The metadata a call is relayed with (throws when it was already redirected). */
  relayMetadata(call: ProxiedCall): Metadata;
}

/** One method of a proxied service: its definition, this manager's handler and the leader's policy. */
export interface ProxiedMethod<H> {
  readonly def: AnyMethod;
  readonly local: H;
  readonly policy: ForwardPolicy;
}

export const asServiceError = (e: RpcError) => e.toServiceError() as ServiceError;

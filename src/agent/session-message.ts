import type { WeightedManager } from "../../machines/session.machine.ts";
import type { SessionMessage__Output } from "../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { Duration__Output } from "../gen/google/protobuf/Duration.ts";
import { rpcError } from "../rpc/status.ts";

/**
 * The edge between the Dispatcher wire and the session machine: a decoded
 * SessionMessage is checked for what the agent relies on, and turned into the
 * small facts the machine decides on.
 */

/** The managers of a message: entries without a peer or an address are skipped, as Swarm does. */
export function managersOf(msg: SessionMessage__Output): WeightedManager[] {
  const out: WeightedManager[] = [];
  for (const m of msg.managers ?? []) {
    const addr = m?.peer?.addr ?? "";
    if (!addr) continue;
    const weight = Number(m.weight);
    out.push({ nodeId: m.peer?.node_id ?? "", addr, weight: Number.isFinite(weight) ? weight : 0 });
  }
  return out;
}

/** Throws RpcError(InvalidArgument) when the message cannot carry a session. */
export function checkSessionMessage(msg: unknown): SessionMessage__Output {
  if (typeof msg !== "object" || msg === null) throw rpcError("InvalidArgument", "invalid session message");
  const m = msg as Partial<SessionMessage__Output>;
  if (typeof m.session_id !== "string" || m.session_id === "") {
    throw rpcError("InvalidArgument", "session message without a session ID");
  }
  if (m.managers !== undefined && !Array.isArray(m.managers)) {
    throw rpcError("InvalidArgument", "invalid session message: managers is not a list");
  }
  return m as SessionMessage__Output;
}

/** A google.protobuf.Duration (seconds as a string with longs: String) in milliseconds; absent is 0 as in Go. */
export function durationMs(d: Duration__Output | null | undefined): number {
  if (!d) return 0;
  const ms = Number(d.seconds) * 1000 + (d.nanos ?? 0) / 1e6;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

import type { RaftNode } from "../raft/node/index.ts";
import type { ControlBusServer } from "./control-bus/index.ts";
import type { Leadership } from "./leadership.ts";
import type { ManagerGrpc } from "./manager-grpc.ts";
import type { ManagerListWatch } from "./manager-list.ts";

/** What a manager runs, as far as it got: stopped in this order. */
export interface Running {
  readonly leadership: Leadership;
  readonly grpc: ManagerGrpc;
  readonly gracePeriodMs: number;
  raft?: RaftNode;
  controlBus?: ControlBusServer;
  managerList?: ManagerListWatch;
  unwatchDeletes?: () => void;
}

/**
 * Stops calls first (the control bus waits for the ones in flight), then the
 * leader-only components (after any start under way), the Raft member, the
 * channel to the leader and the gRPC listener.
 */
export async function stopRunning(r: Running): Promise<void> {
  r.leadership.retire();
  r.managerList?.stop();
  r.unwatchDeletes?.();
  await r.controlBus?.stop();
  await r.leadership.stop();
  await r.raft?.stop();
  r.grpc.proxy.close();
  await r.grpc.server.shutdown(r.gracePeriodMs);
}

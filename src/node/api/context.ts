import type { ActorTransition } from "../../bus/events.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { NodeRuntime } from "../runtime/node-runtime.ts";
import type { ControlAccess } from "./control-access.ts";

/** What the daemon API's verbs work with. */
export interface DaemonContext {
  readonly rt: NodeRuntime;
  readonly access: ControlAccess;
  readonly profile: TimingProfile;
  /** moby: Leave (and a node stop) waits this long for the node to stop. */
  readonly stopTimeoutMs: number;
  /** The last transition of every actor of this daemon. */
  readonly transitions: () => ActorTransition[];
}

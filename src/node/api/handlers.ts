import type { DaemonHandlers } from "../../bus/daemon-server.ts";
import { swarmInspect, swarmUnlock, swarmUnlockKey, swarmUpdate } from "./cluster-verbs.ts";
import type { DaemonContext } from "./context.ts";
import { actors, info } from "./info-verbs.ts";
import { nodeInspect, nodeLs, nodeRm, nodeSetRole, nodeUpdate } from "./node-verbs.ts";
import {
  serviceCreate,
  serviceInspect,
  serviceLs,
  serviceRm,
  serviceUpdate,
  taskLogs,
  taskLs,
} from "./service-verbs.ts";
import { init, join, joinToken, leave } from "./swarm-verbs.ts";

const promote = nodeSetRole("manager");
const demote = nodeSetRole("worker");

/** The daemon API: each verb to its handler. */
export function daemonHandlers(ctx: DaemonContext): DaemonHandlers {
  return {
    init: (req) => init(ctx, req),
    join: (req) => join(ctx, req),
    leave: (req) => leave(ctx, req),
    "join-token": (req) => joinToken(ctx, req),
    info: () => info(ctx),
    "swarm.update": (req) => swarmUpdate(ctx, req),
    "swarm.inspect": () => swarmInspect(ctx),
    "swarm.unlock": (req) => swarmUnlock(ctx, req),
    "swarm.unlock-key": () => swarmUnlockKey(ctx),
    actors: () => actors(ctx),
    "node.ls": () => nodeLs(ctx),
    "node.inspect": (req) => nodeInspect(ctx, req),
    "node.update": (req) => nodeUpdate(ctx, req),
    "node.promote": (req) => promote(ctx, req),
    "node.demote": (req) => demote(ctx, req),
    "node.rm": (req) => nodeRm(ctx, req),
    "service.create": (req) => serviceCreate(ctx, req),
    "service.inspect": (req) => serviceInspect(ctx, req),
    "service.ls": () => serviceLs(ctx),
    "service.update": (req) => serviceUpdate(ctx, req),
    "service.rm": (req) => serviceRm(ctx, req),
    "task.ls": (req) => taskLs(ctx, req),
    "task.logs": (req) => taskLogs(ctx, req),
  };
}

import type { ReadTx } from "../store.ts";
import { reconcileGlobal } from "./global.ts";
import { reconcileReplicated } from "./replicated.ts";
import { ServiceLoop, type ServiceLoopOptions, type ServiceMode } from "./service-loop.ts";
import { isGlobal, isReplicated } from "./task.ts";

function servicesOfTasksOn(tx: ReadTx, nodeId: string, owns: (id: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const t of tx.tasksOfNode(nodeId)) if (owns(t.service_id)) out.add(t.service_id);
  return out;
}

/** SK orchestrator/replicated: a node change concerns the services with tasks on it. */
export const replicatedMode: ServiceMode = {
  owns: isReplicated,
  servicesOfNode: (tx, nodeId) => servicesOfTasksOn(tx, nodeId, (id) => isReplicated(tx.service(id))),
  reconcile: reconcileReplicated,
  sweepsOrphans: true,
};

/** SK orchestrator/global: a node change (a join, a drain, a label) concerns every global service. */
export const globalMode: ServiceMode = {
  owns: isGlobal,
  servicesOfNode: (tx) =>
    tx
      .services()
      .filter(isGlobal)
      .map((s) => s.id),
  reconcile: reconcileGlobal,
  sweepsOrphans: false,
};

export const replicatedOrchestrator = (opts: ServiceLoopOptions) => new ServiceLoop(replicatedMode, opts);
export const globalOrchestrator = (opts: ServiceLoopOptions) => new ServiceLoop(globalMode, opts);

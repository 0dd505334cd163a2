import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { NodeSpec__Output } from "../../gen/docker/swarmkit/v1/NodeSpec.ts";
import type { ManagerHandle } from "../api.ts";
import { mergeLabels } from "./node-labels.ts";

/**
 * What moby's daemon (daemon/cluster/nodes.go) and docker's CLI
 * (cli/command/node/update.go, promote.go, demote.go, remove.go) do around the
 * control API: resolve the node reference, read the node, change its spec and
 * send the whole spec back at the version it was read.
 */
export type NodeSpecChange = {
  readonly role?: "worker" | "manager";
  readonly availability?: "active" | "pause" | "drain";
  /** `KEY[=VALUE]` each, added before labelRm's keys are removed. */
  readonly labelAdd?: readonly string[];
  readonly labelRm?: readonly string[];
};

/** The updated node's ID, or the label key `--label-rm` named that the node does not have (nothing updated). */
export type NodeSpecUpdate = { readonly id: string; readonly missingLabel?: string };

const DEFAULT_SPEC: NodeSpec__Output = {
  annotations: { name: "", labels: {} },
  desired_role: "WORKER",
  membership: "ACCEPTED",
  availability: "ACTIVE",
};

/** The local manager (ManagerHandle) or the control API on the bus (ControlClient). */
type Control = {
  getNode(ref: string): Node__Output | Promise<Node__Output>;
  updateNode: ManagerHandle["updateNode"];
  removeNode: ManagerHandle["removeNode"];
};

/** `node update`: applies the change to the node's spec at the version it was read. */
export async function updateNodeSpec(m: Control, ref: string, change: NodeSpecChange): Promise<NodeSpecUpdate> {
  const node = await m.getNode(ref);
  const base = node.spec ?? DEFAULT_SPEC;
  const merged = mergeLabels(base.annotations?.labels ?? {}, change.labelAdd ?? [], change.labelRm ?? []);
  if ("missingKey" in merged) return { id: node.id, missingLabel: merged.missingKey };
  const spec: NodeSpec__Output = {
    ...base,
    annotations: { name: base.annotations?.name ?? "", labels: merged.labels },
    ...(change.role ? { desired_role: change.role === "manager" ? "MANAGER" : "WORKER" } : {}),
    ...(change.availability ? { availability: upper(change.availability) } : {}),
  };
  await m.updateNode({ nodeId: node.id, version: node.meta?.version?.index, spec });
  return { id: node.id };
}

/**
 * `node promote` / `node demote`: false (and no update) when the node already
 * has that desired role — the CLI then prints "Node %s is already a manager."
 */
export async function setDesiredRole(m: Control, ref: string, role: "worker" | "manager"): Promise<boolean> {
  const node = await m.getNode(ref);
  const desired = role === "manager" ? "MANAGER" : "WORKER";
  if ((node.spec?.desired_role ?? "WORKER") === desired) return false;
  await m.updateNode({
    nodeId: node.id,
    version: node.meta?.version?.index,
    spec: { ...(node.spec ?? DEFAULT_SPEC), desired_role: desired },
  });
  return true;
}

/** `node rm [--force]`: moby resolves the reference, then RemoveNode by ID. */
export async function removeNodeByRef(m: Control, ref: string, force: boolean): Promise<string> {
  const node = await m.getNode(ref);
  await m.removeNode({ nodeId: node.id, force });
  return node.id;
}

function upper(a: "active" | "pause" | "drain"): NodeSpec__Output["availability"] {
  return a === "active" ? "ACTIVE" : a === "pause" ? "PAUSE" : "DRAIN";
}

import type { DaemonRequest, DaemonResults, DaemonVerb } from "../../bus/daemon-contract.ts";
import { aboutNode } from "../errors/node-errors.ts";

type Call = <V extends DaemonVerb>(verb: V, req: DaemonRequest<V>) => Promise<DaemonResults[V]>;

/**
 * promote/demote of one node as docker/cli does it: inspect the node first (an
 * unknown one is `Error: No such node: <ref>`), say it already has the role
 * by its ID, else change the role of that ID.
 */
export async function setRole(
  call: Call,
  ref: string,
  role: "manager" | "worker",
): Promise<{ id: string; changed: boolean }> {
  const { node } = await aboutNode(ref, () => call("node.inspect", { ref }));
  const { ID: id, Spec } = node as { ID: string; Spec?: { Role?: string } };
  if (Spec?.Role === role) return { id, changed: false };
  const verb = role === "manager" ? "node.promote" : "node.demote";
  const [r] = (await call(verb, { refs: [id] })).nodes;
  return { id, changed: r?.changed ?? false };
}

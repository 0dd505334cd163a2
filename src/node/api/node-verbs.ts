import type { DaemonRequest, DaemonResults } from "../../bus/daemon-contract.ts";
import { removeNodeByRef, setDesiredRole, updateNodeSpec } from "../../manager/controlapi/index.ts";
import { nodeFromGrpc } from "../convert.ts";
import type { DaemonContext } from "./context.ts";

/*
 * `docker node …`: each a control API call through this node's manager,
 * answered as moby's API shows it.
 */

export async function nodeLs(ctx: DaemonContext): Promise<DaemonResults["node.ls"]> {
  const nodes = await ctx.access.control().listNodes();
  return { self: ctx.rt.state.identity?.nodeId ?? "", nodes: nodes.map(nodeFromGrpc) };
}

export async function nodeInspect(
  ctx: DaemonContext,
  req: DaemonRequest<"node.inspect">,
): Promise<DaemonResults["node.inspect"]> {
  const c = ctx.access.control();
  const ref = req.ref === "self" ? (ctx.rt.state.identity?.nodeId ?? req.ref) : req.ref;
  return { node: nodeFromGrpc(await c.getNode(ref)) };
}

export async function nodeUpdate(
  ctx: DaemonContext,
  req: DaemonRequest<"node.update">,
): Promise<DaemonResults["node.update"]> {
  const { ref, ...change } = req;
  return await updateNodeSpec(ctx.access.control(), ref, change);
}

/** promote / demote: the desired role of each node in turn; the first failure ends the walk. */
export function nodeSetRole(role: "manager" | "worker") {
  return async (
    ctx: DaemonContext,
    req: DaemonRequest<"node.promote"> | DaemonRequest<"node.demote">,
  ): Promise<DaemonResults["node.promote"]> => {
    const nodes: DaemonResults["node.promote"]["nodes"] = [];
    for (const ref of req.refs) nodes.push({ ref, changed: await setDesiredRole(ctx.access.control(), ref, role) });
    return { nodes };
  };
}

export async function nodeRm(ctx: DaemonContext, req: DaemonRequest<"node.rm">): Promise<DaemonResults["node.rm"]> {
  const removed: string[] = [];
  for (const ref of req.refs) {
    await removeNodeByRef(ctx.access.control(), ref, req.force ?? false);
    removed.push(ref);
  }
  return { removed };
}

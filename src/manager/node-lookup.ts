import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../rpc/status.ts";

/**
 * moby's getNode (daemon/cluster/helpers.go): the full ID first, then names
 * (hostname or spec name), then an ID prefix. No match → NotFound
 * "node %s not found"; several → "node %s is ambiguous (%d matches found)",
 * which moby returns as errdefs.InvalidParameter (HTTP 400), so InvalidArgument here.
 */
export function findNode(nodes: readonly Node__Output[], ref: string): Node__Output {
  const byId = nodes.find((n) => n.id === ref);
  if (byId) return byId;
  let matches = nodes.filter((n) => n.description?.hostname === ref || n.spec?.annotations?.name === ref);
  if (matches.length === 0) matches = ref === "" ? [] : nodes.filter((n) => n.id.startsWith(ref));
  if (matches.length === 0) throw rpcError("NotFound", `node ${ref} not found`);
  if (matches.length > 1)
    throw rpcError("InvalidArgument", `node ${ref} is ambiguous (${matches.length} matches found)`);
  return matches[0]!;
}

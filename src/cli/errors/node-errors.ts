import { isRpcError, toRpcError } from "../../rpc/status.ts";
import { StatusError } from "./status-error.ts";

/**
 * What the docker CLI prints for a failed call about one node: the API
 * client turns a 404 (gRPC NotFound: `node x not found`) into
 * `Error: No such node: <ref as typed>`; anything else is the daemon's error.
 */
export function nodeErrorText(ref: string, e: unknown): string {
  if (e instanceof StatusError) return e.status;
  if (isRpcError(e, "NotFound")) return `Error: No such node: ${ref}`;
  return toRpcError(e).dockerText;
}

/** Runs one call about `ref`, turning its failure into the text docker prints for it. */
export async function aboutNode<T>(ref: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new StatusError(nodeErrorText(ref, e));
  }
}

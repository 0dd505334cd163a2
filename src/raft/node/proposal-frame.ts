import { rpcError } from "../../rpc/status.ts";

/**
 * A normal entry's data as the node shell writes it: a version byte, the
 * proposing node's request ID (so the proposer can find its waiter when the
 * entry is applied: SwarmKit's InternalRaftRequest.ID), then the owner's bytes.
 * An empty entry is the new leader's no-op and carries no request.
 */
const VERSION = 1;
const HEADER = 1 + 8;

export interface FramedProposal {
  readonly requestId: string;
  readonly data: Uint8Array;
}

export function frameProposal(requestId: bigint, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + data.length);
  out[0] = VERSION;
  new DataView(out.buffer).setBigUint64(1, requestId);
  out.set(data, HEADER);
  return out;
}

/** The request and the owner's bytes; undefined for an empty (no-op) entry; throws on a foreign frame. */
export function unframeProposal(entryData: Uint8Array): FramedProposal | undefined {
  if (entryData.length === 0) return undefined;
  if (entryData.length < HEADER || entryData[0] !== VERSION)
    throw rpcError(
      "DataLoss",
      `raft entry of ${entryData.length} bytes is not a swarmbus proposal (version ${entryData[0]})`,
    );
  const view = new DataView(entryData.buffer, entryData.byteOffset, entryData.byteLength);
  return { requestId: view.getBigUint64(1).toString(), data: entryData.subarray(HEADER) };
}

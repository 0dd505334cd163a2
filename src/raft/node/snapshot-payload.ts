import { z } from "zod";
import { rpcError } from "../../rpc/status.ts";
import type { RaftMember } from "../types.ts";

/**
 * What a Raft snapshot's data holds: the membership (SwarmKit keeps it in
 * Snapshot.Membership: members and removed IDs) and the owner's store bytes.
 * Layout: "SBRS", u32 length of a JSON header, the header, the owner's data.
 */
const MAGIC = [0x53, 0x42, 0x52, 0x53];

const header = z.object({
  members: z.array(z.object({ raftId: z.string().regex(/^[1-9][0-9]*$/), nodeId: z.string(), addr: z.string() })),
  removed: z.array(z.string().regex(/^[1-9][0-9]*$/)),
});

export interface SnapshotPayload {
  readonly members: readonly RaftMember[];
  readonly removed: readonly string[];
  readonly data: Uint8Array;
}

export function encodeSnapshotPayload(p: SnapshotPayload): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify({ members: p.members, removed: p.removed }));
  const out = new Uint8Array(8 + head.length + p.data.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, head.length);
  out.set(head, 8);
  out.set(p.data, 8 + head.length);
  return out;
}

/** Throws an Error naming what is wrong when `b` is not a snapshot payload. */
export function decodeSnapshotPayload(b: Uint8Array): SnapshotPayload {
  if (b.length < 8 || MAGIC.some((v, i) => b[i] !== v))
    throw rpcError("DataLoss", "raft snapshot data has no membership header");
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4);
  if (8 + len > b.length) throw rpcError("DataLoss", "raft snapshot membership header is truncated");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + len)));
  } catch (e) {
    throw rpcError(
      "DataLoss",
      `raft snapshot membership header is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const h = header.parse(parsed);
  return { members: h.members, removed: h.removed, data: b.subarray(8 + len) };
}

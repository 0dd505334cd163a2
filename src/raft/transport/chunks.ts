import { rpcError } from "../../rpc/status.ts";
/**
 * Splitting a payload larger than the server's max_payload into numbered
 * chunks, and putting them back together on the other side. A chunk carries
 * `<transferId> <index> <count>` in a header; the receiver keeps at most
 * `maxTransfers` partial transfers and forgets one not finished within
 * `staleAfterMs` (core NATS is at-most-once: a lost chunk loses the message,
 * as a lost message would; Raft retries).
 */
export const CHUNK_HEADER = "Swarmbus-Raft-Chunk";

export interface ChunkTag {
  readonly transferId: string;
  readonly index: number;
  readonly count: number;
}

export function splitPayload(payload: Uint8Array, chunkSize: number): Uint8Array[] {
  if (chunkSize <= 0) throw new RangeError(`chunk size must be positive, got ${chunkSize}`);
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += chunkSize) out.push(payload.subarray(off, off + chunkSize));
  return out;
}

export const formatChunkTag = (t: ChunkTag): string => `${t.transferId} ${t.index} ${t.count}`;

/** The tag of a header value, or undefined if it is malformed. */
export function parseChunkTag(value: string): ChunkTag | undefined {
  const m = /^(\S{1,128}) (\d{1,9}) (\d{1,9})$/.exec(value);
  if (!m) return undefined;
  const index = Number(m[2]);
  const count = Number(m[3]);
  if (count < 1 || index >= count) return undefined;
  return { transferId: m[1] as string, index, count };
}

interface Partial {
  readonly parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  readonly startedAt: number;
}

export class Reassembler {
  private readonly transfers = new Map<string, Partial>();

  constructor(
    private readonly opts: { maxTransfers: number; maxBytes: number; staleAfterMs: number; now: () => number },
  ) {}

  /** Adds one chunk; returns the whole payload when this chunk completes it, else undefined. Throws on nonsense. */
  add(tag: ChunkTag, data: Uint8Array): Uint8Array | undefined {
    this.dropStale();
    let p = this.transfers.get(tag.transferId);
    if (!p) {
      if (this.transfers.size >= this.opts.maxTransfers) {
        const oldest = this.transfers.keys().next().value;
        if (oldest !== undefined) this.transfers.delete(oldest);
      }
      p = { parts: new Array(tag.count).fill(undefined), received: 0, bytes: 0, startedAt: this.opts.now() };
      this.transfers.set(tag.transferId, p);
    }
    if (p.parts.length !== tag.count) {
      this.transfers.delete(tag.transferId);
      throw rpcError(
        "InvalidArgument",
        `chunk ${tag.transferId} says ${tag.count} parts, the transfer has ${p.parts.length}`,
      );
    }
    if (p.parts[tag.index] !== undefined) return undefined;
    p.parts[tag.index] = data.slice();
    p.received++;
    p.bytes += data.length;
    if (p.bytes > this.opts.maxBytes) {
      this.transfers.delete(tag.transferId);
      throw rpcError("ResourceExhausted", `chunked transfer ${tag.transferId} exceeds ${this.opts.maxBytes} bytes`);
    }
    if (p.received < tag.count) return undefined;
    this.transfers.delete(tag.transferId);
    const whole = new Uint8Array(p.bytes);
    let off = 0;
    for (const part of p.parts) {
      whole.set(part as Uint8Array, off);
      off += (part as Uint8Array).length;
    }
    return whole;
  }

  pending(): number {
    return this.transfers.size;
  }

  private dropStale(): void {
    const now = this.opts.now();
    for (const [id, p] of this.transfers) {
      if (now - p.startedAt >= this.opts.staleAfterMs) this.transfers.delete(id);
    }
  }
}

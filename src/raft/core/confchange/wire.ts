import type { ConfChange, ConfChangeType } from "../../types.ts";
import { RaftInvariantError } from "../errors.ts";

/**
 * ConfChange in proto/raft.proto's encoding, by hand so the core needs no
 * protobuf runtime (which loads .proto files from disk). The bytes are those
 * src/raft/codec.ts writes (test/raft/core/confchange-wire.test.ts checks):
 * type (field 2), node_id (field 3) and context (field 4) always present,
 * even at their zero value; the unused id (field 1) never.
 */
const TYPES: readonly ConfChangeType[] = ["addNode", "removeNode", "updateNode"];
/** A field's tag: its number, then its wire type (0: varint, 2: length-delimited). */
const TAG_TYPE = (2 << 3) | 0;
const TAG_NODE_ID = (3 << 3) | 0;
const TAG_CONTEXT = (4 << 3) | 2;

function pushVarint(out: number[], v: bigint): void {
  let n = BigInt.asUintN(64, v);
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const head: number[] = [TAG_TYPE];
  // An enum is an int32: a negative one takes ten bytes, as protobuf writes it.
  pushVarint(head, BigInt(TYPES.indexOf(cc.type)));
  head.push(TAG_NODE_ID);
  pushVarint(head, BigInt(cc.nodeId));
  if (cc.context == null) return Uint8Array.from(head);
  head.push(TAG_CONTEXT);
  pushVarint(head, BigInt(cc.context.byteLength));
  const out = new Uint8Array(head.length + cc.context.byteLength);
  out.set(head);
  out.set(cc.context, head.length);
  return out;
}

/** Reads what encodeConfChange (or any protobuf writer) wrote; unknown fields are skipped. */
export function decodeConfChange(b: Uint8Array): ConfChange {
  let pos = 0;
  const fail = (why: string): never => {
    throw new RaftInvariantError(`malformed raft conf change: ${why}`);
  };
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= b.byteLength) fail("truncated varint");
      const byte = b[pos++]!;
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, v);
    }
    return fail("varint too long");
  };
  const skip = (n: number): void => {
    if (pos + n > b.byteLength) fail("truncated field");
    pos += n;
  };
  let type = 0;
  let nodeId = 0n;
  let context = new Uint8Array(0);
  while (pos < b.byteLength) {
    const tag = Number(varint());
    const wire = tag & 7;
    const field = tag >>> 3;
    if (wire === 0) {
      const v = varint();
      if (field === 2) type = Number(BigInt.asIntN(32, v));
      else if (field === 3) nodeId = v;
    } else if (wire === 2) {
      const len = Number(varint());
      const start = pos;
      skip(len);
      if (field === 4) context = b.slice(start, pos);
    } else if (wire === 1) skip(8);
    else if (wire === 5) skip(4);
    else fail(`invalid wire type ${wire} at offset ${pos}`);
  }
  const t = TYPES[type];
  if (!t) return fail(`unknown conf change type ${type}`);
  return { type: t, nodeId: nodeId.toString(), context };
}

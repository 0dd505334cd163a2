import { test } from "uvu";
import * as assert from "uvu/assert";
import * as codec from "../../../src/raft/codec.ts";
import { decodeConfChange, encodeConfChange } from "../../../src/raft/core/confchange/wire.ts";
import { RaftInvariantError } from "../../../src/raft/core/index.ts";
import type { ConfChange, ConfChangeType } from "../../../src/raft/types.ts";
import { Rng } from "../sim/support/prng.ts";

// The core writes ConfChange entries itself (it may not load raft.proto):
// the bytes in the WAL and on the wire must stay exactly the protobuf ones.
const types: ConfChangeType[] = ["addNode", "removeNode", "updateNode"];
const rng = new Rng(8);
/** SwarmKit's Raft IDs: random Int63()+1, as decimal strings. */
const raftId = (): string =>
  (BigInt(Math.floor(rng.next() * 2 ** 31)) * 2n ** 32n + BigInt(rng.int(2 ** 32)) + 1n).toString();
const ids = [
  "0",
  "1",
  "127",
  "128",
  "300",
  "16384",
  String(2 ** 53 + 1),
  "9223372036854775807",
  "18446744073709551615",
];
for (let i = 0; i < 50; i++) ids.push(raftId());
const member = codec.encodeRaftMember({ raftId: "4242", nodeId: "node-abcdef", addr: "10.0.0.7:4242" });
const contexts = [new Uint8Array(0), Uint8Array.of(0), member, new Uint8Array(300).map((_, i) => i % 251)];
const changes: ConfChange[] = types.flatMap((type) =>
  ids.flatMap((nodeId) => contexts.map((context) => ({ type, nodeId, context }))),
);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

test("every conf change encodes to codec.ts's exact bytes", () => {
  for (const cc of changes) assert.is(hex(encodeConfChange(cc)), hex(codec.encodeConfChange(cc)), cc.nodeId);
});

test("what codec.ts writes decodes to the same conf change both ways", () => {
  for (const cc of changes) {
    const b = codec.encodeConfChange(cc);
    const ours = decodeConfChange(b);
    const theirs = codec.decodeConfChange(b);
    assert.equal({ ...ours, context: hex(ours.context) }, { ...theirs, context: hex(theirs.context) });
  }
});

test("unknown fields are skipped, as protobuf does; a truncated entry is refused", () => {
  const b = codec.encodeConfChange({ type: "removeNode", nodeId: "77", context: member });
  // field 1 (the unused id, varint 5), field 9 (fixed32), field 10 (fixed64)
  const extra = Uint8Array.from([0x08, 5, ...b, 0x4d, 1, 2, 3, 4, 0x51, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.is(decodeConfChange(extra).nodeId, codec.decodeConfChange(extra).nodeId);
  assert.is(decodeConfChange(extra).type, "removeNode");
  assert.throws(
    () => decodeConfChange(b.subarray(0, b.byteLength - 1)),
    (e: unknown) => e instanceof RaftInvariantError,
  );
  assert.throws(() => decodeConfChange(Uint8Array.of(0x10, 7, 0x18, 1)), /unknown conf change type 7/);
});

test.run();

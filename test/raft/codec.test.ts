import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  CodecError,
  decodeConfChange,
  decodeEnvelope,
  decodeHardState,
  decodeMessage,
  decodeRaftMember,
  encodeConfChange,
  encodeEnvelope,
  encodeHardState,
  encodeMessage,
  encodeRaftMember,
} from "../../src/raft/codec.ts";
import type { Message } from "../../src/raft/types.ts";

const bigId = "9223372036854775807"; // Int63 max: a SwarmKit Raft ID keeps every bit

test("a message with entries and a snapshot survives the wire, IDs exact", () => {
  const m: Message = {
    type: "MsgApp",
    to: bigId,
    from: "42",
    term: 7,
    logTerm: 6,
    index: 100,
    entries: [
      { term: 7, index: 101, type: "normal", data: new Uint8Array([1, 2, 3]) },
      { term: 7, index: 102, type: "confChange", data: new Uint8Array([9]) },
    ],
    commit: 99,
    snapshot: { metadata: { index: 50, term: 3, confState: { voters: ["42", bigId] } }, data: new Uint8Array([7]) },
    reject: false,
    rejectHint: 0,
  };
  assert.equal(decodeMessage(encodeMessage(m)), m);
  const env = decodeEnvelope(encodeEnvelope("cluster1", m));
  assert.is(env.clusterId, "cluster1");
  assert.equal(env.message, m);
});

test("IDs keep all 64 bits and terms and indexes their value, whatever the halves hold", () => {
  const ids = [
    "0",
    "1",
    "4294967295",
    "4294967296",
    "2147483648",
    bigId,
    "9223372036854775808",
    "18446744073709551615",
  ];
  for (const id of ids) {
    const m: Message = {
      type: "MsgAppResp",
      to: id,
      from: "7",
      term: 2 ** 32 + 5,
      logTerm: 0,
      index: 2 ** 53 - 1,
      entries: [],
      commit: 2 ** 31,
      reject: false,
      rejectHint: 4294967295,
    };
    assert.equal(decodeMessage(encodeMessage(m)), m, id);
    assert.is(decodeHardState(encodeHardState({ term: 1, vote: id, commit: 2 })).vote, id);
  }
});

test("hard state, conf change and member round-trip", () => {
  assert.equal(decodeHardState(encodeHardState({ term: 3, vote: bigId, commit: 12 })), {
    term: 3,
    vote: bigId,
    commit: 12,
  });
  const cc = { type: "removeNode" as const, nodeId: bigId, context: new Uint8Array([1]) };
  assert.equal(decodeConfChange(encodeConfChange(cc)), cc);
  const member = { raftId: bigId, nodeId: "abc", addr: "127.0.0.1:2377" };
  assert.equal(decodeRaftMember(encodeRaftMember(member)), member);
});

test("garbage is a CodecError, not half a message", () => {
  for (const junk of [
    new Uint8Array([0xff, 0xff, 0xff]),
    new Uint8Array([0x08, 0x63]),
    new Uint8Array([0x0a, 0x05, 1]),
  ]) {
    assert.throws(
      () => decodeMessage(junk),
      (e: unknown) => e instanceof CodecError,
    );
  }
});

test.run();

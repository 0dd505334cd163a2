import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeConfChange, encodeRaftMember } from "../../../src/raft/codec.ts";
import { MemoryStorage } from "../../../src/raft/core/index.ts";
import { loggedMembers } from "../../../src/raft/node/member-lookup.ts";
import type { ConfChange, Entry, RaftMember } from "../../../src/raft/types.ts";

/**
 * A member restarted before it learned that its own addition was committed
 * takes messages from the members its stored log names, until it re-applies
 * its addition: otherwise the leader's messages, which bring the commit, would
 * be dropped as from a stranger.
 */
const member = (id: string): RaftMember => ({
  raftId: id,
  nodeId: `node-${id}`,
  addr: `127.0.0.1:${2000 + Number(id)}`,
});
const conf = (index: number, cc: ConfChange): Entry => ({
  term: 1,
  index,
  type: "confChange",
  data: encodeConfChange(cc),
});
const add = (index: number, id: string) =>
  conf(index, { type: "addNode", nodeId: id, context: encodeRaftMember(member(id)) });

test("the stored log's conf changes, committed or not, name the members a restarted member takes messages from", () => {
  const mem = new MemoryStorage();
  mem.append([
    add(1, "1"),
    { term: 1, index: 2, type: "normal", data: new Uint8Array([1]) },
    add(3, "2"),
    add(4, "3"),
    conf(5, { type: "removeNode", nodeId: "3", context: new Uint8Array(0) }),
    { term: 1, index: 6, type: "confChange", data: new Uint8Array([0xff, 0xff]) },
  ]);
  assert.equal(loggedMembers(mem), [member("1"), member("2")]);
  assert.equal(loggedMembers(new MemoryStorage()), []);
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrProposalDropped, ErrStepLocalMsg } from "../../../src/raft/core/index.ts";
import type { Message, MessageType } from "../../../src/raft/types.ts";
import { msg } from "../transport/support/messages.ts";
import { Cluster, enc } from "./support/core-cluster.ts";

const m = (type: MessageType): Message => msg(type, "2", "1", { term: 5 });

test("a proposal on a member with no leader, or that is not the leader, is dropped", () => {
  const c = new Cluster(["1", "2", "3"]);
  assert.throws(
    () => c.core("1").propose(enc("x")),
    (e: unknown) => e instanceof ErrProposalDropped,
  );
  c.elect("1");
  assert.throws(
    () => c.core("2").propose(enc("x")),
    (e: unknown) => e instanceof ErrProposalDropped,
  );
  c.core("1").propose(enc("x"));
});

test("a candidate drops proposals", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.isolate("1");
  c.tick("1", 30);
  assert.is(c.core("1").status().role, "preCandidate");
  assert.throws(
    () => c.core("1").propose(enc("x")),
    (e: unknown) => e instanceof ErrProposalDropped,
  );
});

test("a leader that applied its own removal drops proposals", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.core("1").proposeConfChange({ type: "removeNode", nodeId: "1", context: new Uint8Array() });
  c.flushAll();
  c.deliverAll();
  assert.equal(c.core("1").status().voters, ["2", "3"]);
  assert.throws(
    () => c.core("1").propose(enc("x")),
    (e: unknown) => e instanceof ErrProposalDropped,
  );
});

test("local-only message types from a peer are refused", () => {
  const c = new Cluster(["1", "2", "3"]);
  for (const t of ["MsgHup", "MsgBeat", "MsgProp", "MsgUnreachable", "MsgSnapStatus", "MsgCheckQuorum"] as const) {
    assert.throws(
      () => c.core("1").step(m(t)),
      (e: unknown) => e instanceof ErrStepLocalMsg,
      t,
    );
  }
  assert.is(c.core("1").status().term, 1);
});

test.run();

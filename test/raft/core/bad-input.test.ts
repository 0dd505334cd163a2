import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrInvalidMessage } from "../../../src/raft/core/index.ts";
import type { Message } from "../../../src/raft/types.ts";
import { Cluster, enc } from "./support/core-cluster.ts";

const app = (over: Partial<Message>): Message => ({
  type: "MsgApp",
  from: "1",
  to: "2",
  term: 2,
  logTerm: 1,
  index: 3,
  entries: [],
  commit: 0,
  reject: false,
  rejectHint: 0,
  ...over,
});
const entry = (index: number, term: number) => ({ index, term, type: "normal" as const, data: enc("x") });

test("malformed peer messages are refused before they touch the log", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  const f = c.core("2");
  const before = { last: f.lastIndex(), ...f.status() };
  const bad: Message[] = [
    app({ entries: [entry(5, 2)] }), // gap after index 3
    app({ entries: [entry(4, 2), entry(4, 2)] }), // not contiguous
    app({ entries: [entry(4, 3)] }), // term beyond the message's
    app({ logTerm: 2, entries: [entry(4, 1)] }), // term going backwards
    app({ type: "MsgHeartbeat", entries: [entry(4, 2)] }), // entries where none belong
    app({ type: "MsgSnap" }), // no snapshot
    app({ from: "0" }), // no sender
  ];
  for (const m of bad)
    assert.throws(
      () => f.step(m),
      (e: unknown) => e instanceof ErrInvalidMessage,
      JSON.stringify(m.entries),
    );
  assert.is(f.lastIndex(), before.last);
  assert.is(f.status().term, before.term);
  assert.is(f.status().lead, before.lead);
  // The cluster still works.
  c.propose("1", "ok");
  assert.equal(c.appliedData("2"), ["ok"]);
});

test.run();

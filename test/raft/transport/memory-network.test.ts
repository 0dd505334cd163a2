import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryNetwork } from "../../../src/raft/transport/index.ts";
import type { Message } from "../../../src/raft/types.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { waitFor } from "../../support/wait-for.ts";
import { msg } from "./support/messages.ts";

test("the in-memory twin delivers through the same envelope checks, and isolate cuts a member off", async () => {
  const log = memoryLog();
  const net = new MemoryNetwork({ log });
  const a = net.transport("c1", "1", { inactiveAfterMs: 1000 });
  const b = net.transport("c1", "2", { inactiveAfterMs: 1000 });
  const got: Message[] = [];
  b.onMessage((m) => got.push(m));
  a.send([msg("MsgHeartbeat", "1", "2", { term: 1 })]);
  await waitFor(() => got.length === 1, { timeoutMs: 1000, what: "delivery" });
  net.inject("c1", "2", new Uint8Array([0xff, 0x00]));
  net.isolate("1");
  a.send([msg("MsgHeartbeat", "1", "2", { term: 2 })]);
  net.heal("1");
  a.send([msg("MsgHeartbeat", "1", "2", { term: 3 })]);
  await waitFor(() => got.length === 2, { timeoutMs: 1000, what: "delivery after heal" });
  assert.equal(
    got.map((m) => m.term),
    [1, 3],
  );
  assert.equal(log.messages(), ["raft transport: dropped a payload that is not a raft envelope"]);
  await a.close();
  await b.close();
});

test.run();

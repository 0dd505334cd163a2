import { test } from "uvu";
import * as assert from "uvu/assert";
import { DropLog } from "../../../src/raft/transport/sender-check.ts";
import { memoryLog } from "../../support/memory-log.ts";

/** A forger on the bus cannot flood a member's log: one line per sender and reason every 10 s, with a count. */
test("drops are logged once per sender and reason, then again after 10 s with how many were dropped", () => {
  const log = memoryLog();
  let now = 0;
  const drops = new DropLog(log, () => now);
  const line = "raft transport: dropped a message whose sender is not the member it claims to be";
  for (let i = 0; i < 50; i++)
    drops.drop(line, { sender: "intruder", claimed: "1", reason: "the sender is not a member" });
  drops.drop(line, { sender: "intruder", claimed: "1", reason: "the sender is this member itself" });
  drops.drop(line, { sender: "other", claimed: "1", reason: "the sender is not a member" });
  assert.equal(
    log.lines.map((l) => [l.obj.sender, l.obj.reason]),
    [
      ["intruder", "the sender is not a member"],
      ["intruder", "the sender is this member itself"],
      ["other", "the sender is not a member"],
    ],
  );
  now = 10_000;
  drops.drop(line, { sender: "intruder", claimed: "1", reason: "the sender is not a member" });
  assert.is(log.lines.length, 4);
  assert.is(log.lines[3]?.obj.droppedSinceLastLine, 49);
  assert.is(log.lines[3]?.level, "warn");
});

test.run();

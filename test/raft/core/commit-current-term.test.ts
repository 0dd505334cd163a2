import { test } from "uvu";
import * as assert from "uvu/assert";
import { CommitsPreviousTermCore } from "../sim/support/broken-cores.ts";
import { Cluster, dec, enc } from "./support/core-cluster.ts";

/**
 * The Raft paper's figure 8 on three members. 1 (term 2) writes X at index n
 * and only it has X; 2 (term 3) writes its own entry at n and only it has it;
 * 1 (term 4) is elected again and replicates X to 3, so X is on a majority —
 * but X is of term 2. Had 1 committed it by counting replicas, 2 could still
 * be elected (its last term 3 beats 3's last term 2) and overwrite X.
 */
function figure8(broken: boolean): { c: Cluster; n: number; leaderCommitAfterX: number } {
  // 3 never times out first (its election timeout is 19 ticks), so 1 and 2 take turns.
  const c = new Cluster(["1", "2", "3"], { maxSizePerMsg: 1 }, { "3": { random: () => 0.99 } });
  if (broken) {
    for (const id of ["1", "2", "3"]) {
      const node = c.node(id);
      node.core = new CommitsPreviousTermCore(c.config(id, node.storage));
    }
    c.flushAll();
  }
  c.elect("1");
  c.isolate("1");
  c.core("1").propose(enc("X"));
  c.flushAll();
  c.deliverAll();
  const n = c.core("1").lastIndex();
  // 2 wins term 3 with 3's vote, writes its empty entry at n, and is cut off before replicating it.
  c.heal();
  c.isolate("1");
  c.tick("3", 12); // 3's lease on leader 1 runs out
  c.tick("2", 25);
  c.drop = (m) => m.from === "2" && m.type === "MsgApp";
  c.deliverAll();
  assert.is(c.core("2").status().role, "leader");
  assert.is(c.core("2").lastIndex(), n);
  // 1 is elected again (term 4) with 3's vote while 2 is away; it sends X alone (maxSizePerMsg 1).
  c.drop = () => false;
  c.heal();
  c.isolate("2");
  c.tick("1"); // its heartbeat meets term 3: 1 steps down
  c.deliverAll();
  c.tick("3", 12);
  c.tick("1", 25);
  let leaderCommitAfterX = 0;
  c.drop = (m) => {
    // Once 3 holds X, the term-4 entry after it never arrives.
    const hasX = c.node("3").storage.lastIndex() >= n;
    return hasX && m.from === "1" && m.type === "MsgApp" && m.entries.some((e) => e.index > n);
  };
  c.deliverAll();
  assert.is(c.core("1").status().role, "leader");
  assert.is(dec(c.node("3").storage.entries(n, n + 1, 100)[0]!.data), "X", "X is on a majority (1 and 3)");
  leaderCommitAfterX = c.core("1").status().commit;
  return { c, n, leaderCommitAfterX };
}

test("a leader does not commit an entry of an earlier term by counting its replicas", () => {
  const { n, leaderCommitAfterX } = figure8(false);
  assert.ok(leaderCommitAfterX < n, `commit ${leaderCommitAfterX} must stay below X at ${n}`);
});

test("…and the broken copy that does commits X, which a later leader then overwrites", () => {
  const { c, n, leaderCommitAfterX } = figure8(true);
  assert.ok(leaderCommitAfterX >= n, "the broken core committed X by counting replicas");
  // 1 goes away; 2 (last term 3) is elected with 3's vote and overwrites X on 3.
  c.drop = () => false;
  c.heal();
  c.isolate("1");
  c.tick("2"); // 2, still leader of term 3, meets term 4 and steps down
  c.deliverAll();
  c.tick("3", 12);
  c.tick("2", 25);
  c.deliverAll();
  assert.is(c.core("2").status().role, "leader");
  const atN = c.node("3").storage.entries(n, n + 1, 100)[0]!;
  assert.is.not(dec(atN.data), "X", "a 'committed' entry was lost: exactly what the rule prevents");
});

test.run();

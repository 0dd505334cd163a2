import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryStorage, RaftCore } from "../../../src/raft/core/index.ts";
import { Cluster } from "./support/core-cluster.ts";

test("a follower that hears no leader for its election timeout is elected by a quorum", () => {
  const c = new Cluster(["1", "2", "3"]);
  assert.equal(c.roles(), { 1: "follower", 2: "follower", 3: "follower" });
  c.elect("1");
  assert.equal(c.roles(), { 1: "leader", 2: "follower", 3: "follower" });
  for (const id of ["1", "2", "3"]) {
    const s = c.core(id).status();
    assert.is(s.lead, "1");
    assert.is(s.term, 2, "bootstrap is term 1; the election makes term 2");
  }
  // The role change is in the Ready (what the shell publishes).
  const soft = c.node("1").readies.flatMap((r) => (r.softState ? [r.softState] : []));
  assert.equal(
    soft.map((s) => s.role),
    ["preCandidate", "candidate", "leader"],
  );
});

test("the election timeout is randomized in [electionTick, 2·electionTick) from the injected random", () => {
  for (const [r, expected] of [
    [0, 10],
    [0.55, 15],
    [0.999, 19],
  ] as const) {
    const storage = new MemoryStorage();
    RaftCore.bootstrap(storage, ["1", "2", "3"]);
    const core = new RaftCore({
      id: "1",
      electionTick: 10,
      heartbeatTick: 1,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: 65535,
      maxInflightMsgs: 256,
      storage,
      random: () => r,
    });
    core.advance(core.ready()); // the shell applies the bootstrap entries first
    let ticks = 0;
    while (core.status().role === "follower" && ticks < 100) {
      core.tick();
      ticks++;
    }
    assert.is(ticks, expected, `random ${r}`);
    assert.is(core.status().role, "preCandidate");
  }
});

test("a candidate without a quorum stays unelected; a vote is granted only to an up-to-date log", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.propose("1", "a");
  // 3 misses entry "b": its log is behind.
  c.isolate("3");
  c.propose("1", "b");
  c.heal();
  c.isolate("1");
  // 3 campaigns: 2 has a longer log and refuses; 3 cannot win.
  c.elect("3");
  assert.is.not(c.core("3").status().role, "leader");
  // 2 campaigns and wins with 3's vote.
  c.elect("2");
  assert.is(c.core("2").status().role, "leader");
});

test("a brand-new single-member cluster campaigns at once", () => {
  const storage = new MemoryStorage();
  RaftCore.bootstrap(storage, ["7"]);
  const core = new RaftCore({
    id: "7",
    electionTick: 10,
    heartbeatTick: 1,
    preVote: true,
    checkQuorum: true,
    maxSizePerMsg: 65535,
    maxInflightMsgs: 256,
    storage,
    random: () => 0,
  });
  assert.is(core.status().role, "leader");
  const rd = core.ready();
  assert.equal(rd.softState, { lead: "7", role: "leader" });
  assert.is(rd.committedEntries.length, 2, "the bootstrap entry and the leader's empty entry");
});

test("a restarted single-member cluster campaigns at once too (SwarmKit's campaignWhenAble)", () => {
  const storage = new MemoryStorage();
  RaftCore.bootstrap(storage, ["7"]);
  const cfg = {
    id: "7",
    electionTick: 10,
    heartbeatTick: 1,
    preVote: true,
    checkQuorum: true,
    maxSizePerMsg: 65535,
    maxInflightMsgs: 256,
    storage,
    random: () => 0,
  };
  const first = new RaftCore(cfg);
  const persist = (core: RaftCore): void => {
    while (core.hasReady()) {
      const rd = core.ready();
      storage.append(rd.entries);
      if (rd.hardState) storage.setHardState(rd.hardState);
      core.advance(rd);
    }
  };
  persist(first);
  const term = first.status().term;
  // Restart from what was persisted, replaying the log (applied = 0).
  const again = new RaftCore(cfg);
  persist(again);
  assert.is(again.status().role, "leader", "no election timeout needed");
  assert.is(again.status().term, term + 1);
});

test.run();

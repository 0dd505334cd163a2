import { test } from "uvu";
import * as assert from "uvu/assert";
import { controlClient } from "../../../src/manager/control-bus/index.ts";
import { ErrLostLeadership, raftError } from "../../../src/raft/node/errors.ts";
import { isRpcError, rpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import { BusCluster, CALLER, CLUSTER, outcome } from "./support/bus-cluster.ts";

let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
});
test.after(async () => {
  await c.stop();
});
test.before.each(() => {
  for (const m of c.managers) {
    m.barrier = () => Promise.resolve();
    m.barriers = 0;
    m.calls.length = 0;
  }
});

/** A client whose calls enter at manager `raftId` (its daemon's own manager). */
const via = (raftId: string, timeoutMs = 2000) =>
  controlClient(c.client, CLUSTER, { timeoutMs, caller: CALLER, via: () => raftId });

const spec = { annotations: null, desired_role: "WORKER", membership: "ACCEPTED", availability: "PAUSE" } as const;

test("the leader confirms each read with its barrier before serving it; writes take none", async () => {
  c.elect("1");
  await via("1").getNode("n1");
  await via("2").listNodes();
  await via("3").clusterInfo();
  assert.is(c.manager("1").barriers, 3, "one barrier per read, on the leader, wherever it entered");
  assert.is(c.manager("2").barriers + c.manager("3").barriers, 0, "followers forward, they take none");
  await via("2").updateNode({ nodeId: "n1", version: "1", spec });
  assert.is(c.manager("1").barriers, 3, "a write is ordered by Raft itself");
});

test("a leader that cannot confirm (cut off from the others) never answers a read from its store", async () => {
  c.elect("1");
  // RaftNode.readBarrier on a cut-off leader: no quorum answers, the caller's deadline runs out.
  c.manager("1").barrier = (deadline) =>
    new Promise((_, reject) =>
      setTimeout(() => reject(rpcError("DeadlineExceeded", "context deadline exceeded")), deadline - Date.now()),
    );
  const r = await outcome(via("1", 300).getNode("n1"));
  assert.not.ok(r.ok, "no answer");
  if (!r.ok) assert.ok(isRpcError(r.err, "DeadlineExceeded"), String(r.err));
  assert.equal(c.manager("1").calls, [], "the handler never read the store");
});

test("a read whose barrier finds leadership lost is routed again, to the new leader", async () => {
  c.elect("1");
  c.manager("1").barrier = async () => {
    c.elect("2");
    throw raftError(ErrLostLeadership);
  };
  const node = await via("1").getNode("n1");
  assert.is(node.spec?.annotations?.name, "m2", "served by the new leader");
  assert.equal(c.manager("1").calls, []);
  assert.is(c.manager("2").barriers, 1, "and confirmed there");
});

test("a write is never routed again on lost leadership", async () => {
  c.elect("1");
  c.manager("1").hold = true;
  const call = outcome(via("1").updateNode({ nodeId: "n1", version: "1", spec }));
  await waitFor(() => c.manager("1").pending.length === 1, { timeoutMs: 5000, what: "the write in flight on m1" });
  c.manager("1").hold = false;
  c.elect("2");
  for (const p of c.manager("1").pending.splice(0)) p.reject(raftError(ErrLostLeadership));
  const r = await call;
  assert.not.ok(r.ok);
  assert.not.ok(c.manager("2").calls.includes("updateNode"));
});

test.run();

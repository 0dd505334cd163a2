import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRpcError } from "../../../src/rpc/status.ts";
import { BusCluster, CLUSTER, nodeServedBy, outcome, TOKENS } from "./support/bus-cluster.ts";

let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
});
test.after(async () => {
  await c.stop();
});

for (const leader of ["1", "2", "3"]) {
  test(`with manager ${leader} leading, every call lands on it, whichever manager took it`, async () => {
    c.elect(leader);
    for (const m of c.managers) m.calls.length = 0;
    const client = c.controlClient();
    for (let i = 0; i < 12; i++) {
      const nodes = await client.listNodes();
      assert.equal(
        nodes.map((n) => n.spec?.annotations?.name),
        [`m${leader}`, `m${leader}`],
      );
    }
    assert.is(c.manager(leader).calls.length, 12);
    for (const m of c.managers) if (m.raftId !== leader) assert.equal(m.calls, [], `m${m.raftId} served nothing`);
  });
}

test("nodes arrive exactly as the leader's handlers returned them (bytes, enums, defaults)", async () => {
  c.elect("2");
  const node = await c.controlClient().getNode("abc");
  assert.equal(node, nodeServedBy("abc", "m2"));
  assert.ok(Buffer.isBuffer(node.certificate?.certificate));
});

test("every method reaches the leader and its answer comes back", async () => {
  c.elect("3");
  const client = c.controlClient();
  assert.equal(await client.joinTokens(), TOKENS);
  assert.is((await client.rotateJoinToken("worker")).worker, "SWMTKN-1-rotated-by-m3");
  assert.is((await client.clusterInfo()).id, CLUSTER);
  const spec = {
    annotations: { name: "x", labels: {} },
    desired_role: "MANAGER",
    membership: "ACCEPTED",
    availability: "DRAIN",
  } as const;
  assert.equal((await client.updateNode({ nodeId: "n9", version: "4", spec })).spec, spec);
  await client.removeNode({ nodeId: "n9", force: true });
  // A promoted manager not in the raft yet joins it, naming itself (a raftJoin may only name its caller).
  c.standings.set("newmgr", "manager");
  assert.equal(await c.controlClient(5_000, "newmgr").raftJoin({ nodeId: "newmgr", addr: "127.0.0.1:4242" }), {
    raftId: "42",
    members: [{ raftId: "3", nodeId: "m3", addr: "10.0.0.3:2377" }],
    removedMembers: ["7"],
  });
  assert.ok(c.manager("3").calls.includes("removeNode n9 true"));
  assert.ok(c.manager("3").calls.includes("raftJoin newmgr"));
});

test("the leader's errors come back with their code and message", async () => {
  c.elect("1");
  const r = await outcome(c.controlClient().getNode("missing"));
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.ok(isRpcError(r.err, "NotFound"));
    assert.is(r.err.message, "node missing not found");
  }
});

test.run();

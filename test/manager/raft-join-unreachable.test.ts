import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { toRpcError } from "../../src/rpc/status.ts";
import { JoinManagers } from "./support/join-managers.ts";

/**
 * SK raft.Join: the leader health-checks the joiner's advertised address before
 * any configuration change; where nothing listens, the Join fails Unknown with
 * grpc-go's dial error, and the member list stays as it was.
 */
let c: JoinManagers;
test.before(async () => {
  c = await JoinManagers.start();
});
test.after(async () => {
  await c.close();
});

test("a Join whose address does not answer fails with SwarmKit's text; no member is added", async () => {
  const nodeId = await c.managerNodeId();
  const before = c.leader.raft.members().map((m) => m.member);
  const port = await freePort(); // free a moment ago: nothing listens there
  const control = await c.control(nodeId);
  const e = await control.raftJoin({ nodeId, addr: `127.0.0.1:${port}` }).then(
    () => undefined,
    (err: unknown) => toRpcError(err),
  );
  assert.is(
    e?.grpcText,
    "rpc error: code = Unknown desc = could not connect to prospective new cluster member using its advertised address: " +
      "rpc error: code = Unavailable desc = connection error: desc = " +
      `"transport: Error while dialing dial tcp 127.0.0.1:${port}: connect: connection refused"`,
  );
  assert.equal(
    c.leader.raft.members().map((m) => m.member),
    before,
  );
});

test.run();

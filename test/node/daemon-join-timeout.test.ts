import { createServer, type Server, type Socket } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import { waitFor } from "../support/wait-for.ts";
import { DaemonCluster } from "./support/daemon-cluster.ts";

let c: DaemonCluster;
let silent: Server;
const sockets = new Set<Socket>();
let silentAddr = "";

test.before(async () => {
  c = await DaemonCluster.start();
  // A "manager" that accepts connections and never answers.
  silent = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const a = silent.address();
  silentAddr = `127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
});
test.after(async () => {
  await c.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
});

test("a join that is not done in time answers moby's timeout text and goes on in the background", async () => {
  // Each of the 5 root CA attempts waits 500 ms for the silent manager: the join is still going
  // 5 × (500 ms + 200 ms) after it started, well past the 300 ms the caller waits.
  const profile = { ...profiles.fast, joinTimeoutMs: 300, caRequestTimeoutMs: 500 };
  await c.daemon("w1", undefined, profile);
  const token = `SWMTKN-1-${"1".repeat(50)}-${"2".repeat(25)}`;
  const e = await c.callError("w1", "join", { token, remoteAddr: silentAddr });
  assert.is(e.plain, true);
  assert.is(
    e.message,
    'Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.',
  );
  const after = await c.call("w1", "info", {});
  assert.is(after.LocalNodeState, "pending");
  assert.is(after.Error, "");
  assert.equal(after.RemoteManagers, [{ NodeID: "", Addr: silentAddr }]);
  const again = await c.callError("w1", "join", { token, remoteAddr: silentAddr });
  assert.match(again.message, /^This node is already part of a swarm/);
  // Its attempts spent, the join fails; nobody waits any more: the first-run failure is kept as the
  // node's error, not retried (moby handleNodeExit: no reconnect for a first run that never was ready).
  const info = await waitFor(
    async () => {
      const i = await c.call("w1", "info", {});
      return i.LocalNodeState === "error" && i;
    },
    { timeoutMs: 10_000, what: "the background join to fail" },
  );
  assert.is(info.Error, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
  await c.call("w1", "leave", {});
  assert.is((await c.call("w1", "info", {})).LocalNodeState, "inactive");
});

test.run();

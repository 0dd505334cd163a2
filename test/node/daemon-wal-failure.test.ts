import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import { FaultyFs } from "../support/faulty-fs.ts";
import { waitFor } from "../support/wait-for.ts";
import { DaemonCluster } from "./support/daemon-cluster.ts";

let c: DaemonCluster;
test.before(async () => {
  c = await DaemonCluster.start();
});
test.after(() => c.stop());

test("a manager whose WAL cannot be synced stops: the write fails, info shows the error, it is no longer an active manager", async () => {
  const fs = new FaultyFs();
  await c.daemon("m1", undefined, profiles.fast, undefined, { raftFs: fs });
  const { nodeId } = await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  await c.call("m1", "node.update", { ref: nodeId, labelAdd: ["before=1"] });

  fs.failFrom("datasync", "EIO", /\.wal/);
  const e = await c.callError("m1", "node.update", { ref: nodeId, labelAdd: ["after=1"] });
  assert.match(e.message, /node is stopped|manager stopped|not a swarm manager|EIO/);

  // SK: the manager's Run returns the error, the node exits "manager stopped: …" and restarts with a backoff;
  // moby's info shows the error while it does.
  const info = await waitFor(
    async () => {
      const i = await c.call("m1", "info", {});
      return i.Error !== "" ? i : undefined;
    },
    { timeoutMs: 10_000, what: "info to show the manager's error" },
  );
  assert.match(info.Error, /^manager stopped: raft WAL \S+\.wal: write at offset \d+ failed, the WAL is unusable: EIO/);
  assert.is(info.LocalNodeState, "error");
  assert.is(info.ControlAvailable, false, "no zombie manager: its control API is not offered");
});

test.run();

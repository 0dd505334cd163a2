import { readdir } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DaemonCluster } from "./support/daemon-cluster.ts";

let c: DaemonCluster;
let busy: Server;
let busyAddr = "";

test.before(async () => {
  c = await DaemonCluster.start();
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
  const a = busy.address();
  busyAddr = `127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
});
test.after(async () => {
  await c.stop();
  await new Promise<void>((r) => busy.close(() => r()));
});

test("init on a listen address in use fails back to the caller; the node stays out, the state dir is cleared", async () => {
  const dir = await c.daemon("m1");
  const e = await c.callError("m1", "init", { listenAddr: busyAddr });
  assert.match(e.message, /^manager stopped: /);
  const info = await c.call("m1", "info", {});
  assert.is(info.LocalNodeState, "inactive");
  assert.is(info.Error, "");
  assert.equal(await readdir(join(dir, "swarm")), []);
  // …and a later init on a free address works.
  const ok = await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  assert.match(ok.nodeId, /^[0-9a-z]{25}$/);
});

test("a join with the manager token makes an active manager that joined the Raft group", async () => {
  const { token, advertiseAddr } = await c.call("m1", "join-token", { role: "manager" });
  await c.daemon("m2");
  const r = await c.call("m2", "join", { token, remoteAddr: advertiseAddr, listenAddr: "127.0.0.1:0" });
  assert.is(r.role, "manager");
  const info = await c.call("m2", "info", {});
  assert.is(info.LocalNodeState, "active");
  assert.is(info.ControlAvailable, true);
  assert.is(info.Managers, 2);
});

test.run();

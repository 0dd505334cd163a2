import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import { runDaemon } from "../../src/node/daemon.ts";
import { rejection } from "../support/caught.ts";
import { waitFor } from "../support/wait-for.ts";
import { DaemonCluster } from "./support/daemon-cluster.ts";

let c: DaemonCluster;

test.before(async () => {
  c = await DaemonCluster.start();
});
test.after(async () => {
  await c.stop();
});

test("restarted daemons rejoin their swarm from the state dir, with no new join", async () => {
  const m1Dir = await c.daemon("m1");
  const init = await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  const { token } = await c.call("m1", "join-token", { role: "worker" });
  const w1Dir = await c.daemon("w1");
  await c.call("w1", "join", { token, remoteAddr: init.advertiseAddr });
  const w1Id = (await c.call("w1", "info", {})).NodeID;

  const expected = JSON.stringify([{ NodeID: init.nodeId, Addr: init.advertiseAddr }]);
  await waitFor(async () => (await readFile(join(w1Dir, "swarm", "state.json"), "utf8")) === expected, {
    timeoutMs: 5000,
    what: "state.json to hold the manager the session reported",
  });
  const cfg = JSON.parse(await readFile(join(w1Dir, "swarm", "docker-state.json"), "utf8"));
  assert.is(cfg.RemoteAddr, init.advertiseAddr);
  await waitFor(
    async () => !JSON.parse(await readFile(join(w1Dir, "swarm", "docker-state.json"), "utf8")).JoinInProgress,
    { timeoutMs: 5000, what: "JoinInProgress to be cleared once ready" },
  );

  await c.stopDaemon("w1");
  await c.stopDaemon("m1");

  await c.daemon("m1", m1Dir);
  const m = await waitFor(
    async () => {
      const i = await c.call("m1", "info", {});
      return i.LocalNodeState === "active" && i.ControlAvailable && i;
    },
    { timeoutMs: 10_000, what: "m1 to be an active manager again" },
  );
  assert.is(m.NodeID, init.nodeId);
  assert.equal(m.RemoteManagers, [{ NodeID: init.nodeId, Addr: init.advertiseAddr }], "same address as before");

  await c.daemon("w1", w1Dir);
  const w = await waitFor(
    async () => {
      const i = await c.call("w1", "info", {});
      return i.LocalNodeState === "active" && i;
    },
    { timeoutMs: 10_000, what: "w1 to be active again" },
  );
  assert.is(w.NodeID, w1Id);
  const ls = await c.call("m1", "node.ls", {});
  assert.is(ls.nodes.length, 2, "the manager kept its nodes");
});

test("leaving clears the state dir: a restarted daemon stays out of the swarm", async () => {
  const dir = await c.daemon("w3");
  const m1 = await c.call("m1", "join-token", { role: "worker" });
  await c.call("w3", "join", { token: m1.token, remoteAddr: m1.advertiseAddr });
  await c.call("w3", "leave", {});
  await c.stopDaemon("w3");
  await c.daemon("w3", dir);
  assert.is((await c.call("w3", "info", {})).LocalNodeState, "inactive");
});

test("a corrupt docker-state.json stops the daemon with an error naming the file", async () => {
  const dir = await c.stateDir();
  await c.daemon("x1", dir);
  await c.call("x1", "init", { listenAddr: "127.0.0.1:0" });
  await c.stopDaemon("x1");
  const file = join(dir, "swarm", "docker-state.json");
  await writeFile(file, "{ nope");
  const natsCreds = await c.nats.credsForNode("x1");
  const e = await rejection(() =>
    runDaemon({
      name: "x1",
      stateDir: dir,
      natsUrl: c.nats.url,
      natsCreds,
      profile: profiles.fast,
    }),
  );
  assert.ok(e instanceof Error && e.message.includes(file) && /not valid JSON/.test(e.message), String(e));
});

test("a corrupt node certificate: the daemon runs, info shows the error", async () => {
  const dir = await c.stateDir();
  await c.daemon("x2", dir);
  await c.call("x2", "init", { listenAddr: "127.0.0.1:0" });
  await c.stopDaemon("x2");
  const file = join(dir, "swarm", "certificates", "swarm-node.crt");
  await writeFile(file, "garbage");
  await c.daemon("x2", dir);
  const info = await waitFor(
    async () => {
      const i = await c.call("x2", "info", {});
      return i.LocalNodeState === "error" && i;
    },
    { timeoutMs: 5000, what: "x2 to show the error" },
  );
  assert.ok(info.Error.includes(file), info.Error);
  await c.call("x2", "leave", { force: true });
  assert.is((await c.call("x2", "info", {})).LocalNodeState, "inactive");
});

test.run();

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AnyActorRef } from "xstate";
import { newId } from "../../src/ca/ids.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { profiles } from "../../src/config/profile.ts";
import { startManager } from "../../src/manager/manager.ts";
import { managerCredentials } from "../support/tls-fixture.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import { dispatcherClient, joinWorker, openSession, startCluster } from "./support/manager-cluster.ts";

test("bootstrap creates the default cluster with Swarm's default spec, and this node as the leader", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "swarmbus-boot-"));
  const dir = join(tmp, "swarm");
  const clusterId = newId();
  const nodeId = newId();
  const root = await createRootCA();
  const creds = await managerCredentials(root, { nodeId, role: "swarm-manager", clusterId });
  const m = await startManager({
    nodeId,
    clusterId,
    hostname: "m1",
    listenAddr: "127.0.0.1:0",
    advertiseAddr: "127.0.0.1:0",
    swarmDir: dir,
    profile: profiles.swarm,
    credentials: creds.server,
    clientCredentials: creds.client,
    bootstrap: true,
    bootstrapCA: { rootCA: root, nodeCertificate: creds.certificate },
  });
  try {
    assert.match(m.listenAddr, /^127\.0\.0\.1:\d+$/);
    assert.not.match(m.listenAddr, /:0$/);
    assert.is(m.advertiseAddr, m.listenAddr);
    const info = m.clusterInfo();
    assert.is(info.id, clusterId);
    assert.is(info.name, "default");
    assert.is(info.heartbeatPeriodMs, 5000);
    assert.is(info.taskHistoryRetentionLimit, 5);
    assert.is(info.snapshotInterval, 10000);
    assert.is(info.keepOldSnapshots, 0);
    assert.is(info.heartbeatTick, 1);
    assert.is(info.electionTick, 10);
    assert.is(info.nodeCertExpiryMs, 2160 * 3600 * 1000);
    assert.is(info.rootRotationInProgress, false);
    const tokens = m.joinTokens();
    assert.match(tokens.worker, /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    assert.is(tokens.worker.slice(0, 60), tokens.manager.slice(0, 60));
    assert.is.not(tokens.worker, tokens.manager);
    const [self] = m.listNodes();
    assert.is(self?.id, nodeId);
    assert.is(self?.role, "MANAGER");
    assert.is(self?.spec?.desired_role, "MANAGER");
    assert.is(self?.spec?.membership, "ACCEPTED");
    assert.is(self?.certificate?.status?.state, "ISSUED");
    assert.is(self?.status?.state, "UNKNOWN");
    assert.is(self?.manager_status?.leader, true);
    assert.is(self?.manager_status?.reachability, "REACHABLE");
    assert.is(m.getNode("m1").id, nodeId);
  } finally {
    await m.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("each node's liveness actor is announced as liveness-<nodeId> and follows the node", async () => {
  const c = await startCluster();
  try {
    const actors = new Map<string, AnyActorRef>();
    // Announcements happen at start and at registration: restart with a listener to see both.
    const worker = await joinWorker(c);
    await c.manager.stop();
    const { startManagerInternals } = await import("../../src/manager/manager.ts");
    c.manager = await startManagerInternals({
      nodeId: c.managerId,
      clusterId: c.clusterId,
      hostname: "m1",
      listenAddr: "127.0.0.1:0",
      advertiseAddr: "127.0.0.1:0",
      swarmDir: c.swarmDir,
      profile: c.profile,
      credentials: c.creds.server,
      clientCredentials: c.creds.client,
      bootstrap: false,
      onActor: (name, actor) => actors.set(name, actor),
    });
    const id = worker.identity.nodeId;
    assert.ok(actors.has(`liveness-${c.managerId}`));
    const actor = actors.get(`liveness-${id}`);
    assert.ok(actor);
    assert.equal(actor.getSnapshot().value, { unknown: "awaitingRegistration" });
    const s = openSession(c, dispatcherClient(c), await identityMetadata(c, worker.identity));
    await s.first;
    assert.is(actor.getSnapshot().value, "ready");
    // The node object is deleted (node rm): its actor is final and its session ends.
    await c.manager.store.update((tx) => tx.deleteNode(id));
    assert.is(actor.getSnapshot().status, "done");
    const end = await s.ended;
    assert.is(end.grpcText, "rpc error: code = NotFound desc = node not registered");
  } finally {
    await c.close();
  }
});

test.run();

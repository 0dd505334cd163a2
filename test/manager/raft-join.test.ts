import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import { newId } from "../../src/ca/ids.ts";
import { requestNodeIdentity } from "../../src/ca/join.ts";
import { createRootCA, type SigningRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { controlClient } from "../../src/manager/control-bus/index.ts";
import { type ManagerInternals, startManagerInternals } from "../../src/manager/manager.ts";
import { type RpcError, toRpcError } from "../../src/rpc/status.ts";
import { connectAs } from "../support/nats-server.ts";
import { managerCredentials } from "../support/tls-fixture.ts";
import { serveHealth } from "./support/join-managers.ts";
import { testProfile } from "./support/manager-cluster.ts";

/** SwarmKit's raft Join, answered by the leader on the control bus. */
let nats: NatsServerHandle;
let nc: NatsConnection;
let dir: string;
let m: ManagerInternals;
let root: SigningRootCA;
const closers: (() => void)[] = [];
const clusterId = newId();

test.before(async () => {
  nats = await startNatsServer();
  // Joiners of any node ID on one connection: the leader's own checks are on trial.
  nc = await connectAs(nats, "raft-join-test", "unrestricted");
  dir = mkdtempSync(join(tmpdir(), "swarmbus-join-"));
  root = await createRootCA();
  const nodeId = newId();
  const creds = await managerCredentials(root, { nodeId, role: "swarm-manager", clusterId });
  m = await startManagerInternals({
    nodeId,
    clusterId,
    hostname: "m1",
    listenAddr: "127.0.0.1:0",
    advertiseAddr: "127.0.0.1:0",
    swarmDir: join(dir, "swarm"),
    profile: testProfile,
    credentials: creds.server,
    clientCredentials: creds.client,
    bootstrap: true,
    bootstrapCA: { rootCA: root, nodeCertificate: creds.certificate },
    nc,
  });
});

test.after(async () => {
  for (const c of closers) c();
  await m.stop();
  await nc.close();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The control API as the daemon of node `caller` calls it. */
const client = (caller: string) => controlClient(nc, clusterId, { timeoutMs: 2_000, caller });
const managerNodeId = () => m.listNodes().find((n) => n.role === "MANAGER")?.id ?? "";
async function failure(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (e) {
    return toRpcError(e);
  }
  throw new Error("expected the join to fail");
}

test("a worker may not join Raft: PermissionDenied", async () => {
  const w = await requestNodeIdentity({ remoteAddr: m.listenAddr, token: m.joinTokens().worker, profile: testProfile });
  const e = await failure(client(w.identity.nodeId).raftJoin({ nodeId: w.identity.nodeId, addr: "127.0.0.1:4000" }));
  assert.is(
    e.message,
    "Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = " +
      "Permission denied: remote certificate not part of OUs: [swarm-manager]",
  );
  assert.is(m.raft.members().length, 1);
});

test("a bad address is InvalidArgument; an unknown node is refused", async () => {
  const bad = await failure(client(managerNodeId()).raftJoin({ nodeId: "x", addr: "nohostport" }));
  assert.is(bad.code, 3);
  const unknown = await failure(client("nosuchnode").raftJoin({ nodeId: "nosuchnode", addr: "127.0.0.1:4000" }));
  assert.is(unknown.code, 7);
});

test("a manager (manager token) gets a fresh Raft ID and the memberlist; asking again gives the same ID", async () => {
  const mgr = await requestNodeIdentity({
    remoteAddr: m.listenAddr,
    token: m.joinTokens().manager,
    profile: testProfile,
  });
  const nodeId = mgr.identity.nodeId;
  // The leader health-checks the joiner's address first: something must answer there.
  const joiner = await serveHealth(root, clusterId);
  closers.push(joiner.close);
  const r = await client(nodeId).raftJoin({ nodeId, addr: joiner.addr });
  assert.match(r.raftId, /^[1-9][0-9]*$/);
  assert.is.not(r.raftId, m.raftId());
  assert.equal(
    r.members.map((x) => x.nodeId).sort(),
    [m.listNodes().find((n) => n.role === "MANAGER" && n.id !== nodeId)?.id, nodeId].sort(),
  );
  const again = await client(nodeId).raftJoin({ nodeId, addr: joiner.addr });
  assert.is(again.raftId, r.raftId);
  assert.is(m.getNode(nodeId).manager_status?.raft_id, r.raftId);
});

test.run();

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeEvent } from "../../machines/node.machine.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { verifyNodeCertificate } from "../../src/ca/pki/verify-node-certificate.ts";
import { profiles } from "../../src/config/profile.ts";
import type { SessionMessage__Output } from "../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { NodeState } from "../../src/node/runtime/node-state.ts";
import { RoleChanges } from "../../src/node/runtime/role-changes.ts";
import { RunEpoch } from "../../src/node/runtime/run-epoch.ts";
import { TlsRenewer } from "../../src/node/runtime/tls-renewer.ts";
import { readNodeCertificate, writeNodeKeyPair, writeRootCACertificate } from "../../src/node/state-dir.ts";
import { startCA } from "../support/ca-fixture.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * A worker's role is its certificate's: a SessionMessage that says MANAGER
 * makes it ask its CA for a renewal, and the CA signs with the role the store
 * holds. While the store says WORKER, the node stays a worker (the renewal
 * counts as failed and is retried); once the store says MANAGER, the renewed
 * certificate says swarm-manager and only then does the node turn manager.
 */
const CLUSTER = "c".padEnd(25, "0");
const NODE = "w".padEnd(25, "0");
const log = pino({ level: "silent" });

test("a session that says manager does not make a worker-certificate node a manager; the renewed certificate does", async () => {
  const { root, store, addr, stop } = await startCA(CLUSTER, NODE);
  const swarmDir = join(await mkdtemp(join(tmpdir(), "roles-")), "swarm");
  const { key, csr } = await createNodeKeyAndCSR();
  const identity = { nodeId: NODE, role: "swarm-worker", clusterId: CLUSTER } as const;
  await writeNodeKeyPair(swarmDir, await signNodeCertificate(root, csr, identity), key);
  await writeRootCACertificate(swarmDir, root.certificate);
  const state = new NodeState(swarmDir, null, log);
  state.identity = identity;
  await state.managersFile.save([{ NodeID: "m", Addr: addr }]);

  const events: NodeEvent[] = [];
  const renewer = new TlsRenewer(state, profiles.fast, new RunEpoch(), (id) => roles.renewed(id), log);
  const roles: RoleChanges = new RoleChanges(renewer, (e) => events.push(e));
  const certRole = async () => {
    const cert = await readNodeCertificate(swarmDir);
    return cert && (await verifyNodeCertificate(root.certificate, cert)).identity.role;
  };
  const renewalsSigned = () => store.view((tx) => tx.node(NODE)?.certificate?.csr.length ?? 0);
  try {
    const w = newNodeObject(NODE, "MANAGER", "ACTIVE");
    roles.observe({ node: w } as unknown as SessionMessage__Output);
    await waitFor(
      () => renewalsSigned() > 0 && store.view((tx) => tx.node(NODE)?.certificate?.status?.state) === "ISSUED",
      { timeoutMs: 10_000, what: "the CA to sign the renewal with the store's role" },
    );
    assert.equal(events, [], "no role change from the SessionMessage");
    assert.is(await certRole(), "swarm-worker");
    assert.is(state.identity?.role, "swarm-worker");

    await store.update((tx) => {
      const n = tx.node(NODE);
      if (n) tx.putNode({ ...n, role: "MANAGER" });
    });
    await waitFor(() => events.length > 0, { timeoutMs: 10_000, what: "the renewed certificate's role change" });
    assert.equal(events, [{ type: "ROLE_CHANGED", role: "manager" }]);
    assert.is(await certRole(), "swarm-manager");
  } finally {
    roles.reset();
    stop();
    await rm(join(swarmDir, ".."), { recursive: true, force: true });
  }
});

test.run();

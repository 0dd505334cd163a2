import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeIdentity } from "../../src/ca/credentials.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { x509 } from "../../src/ca/pki/x509.ts";
import { profiles } from "../../src/config/profile.ts";
import { NodeState } from "../../src/node/runtime/node-state.ts";
import { RunEpoch } from "../../src/node/runtime/run-epoch.ts";
import { type RenewalClock, TlsRenewer } from "../../src/node/runtime/tls-renewer.ts";
import {
  readNodeCertificate,
  readNodeKey,
  writeNodeKeyPair,
  writeRootCACertificate,
} from "../../src/node/state-dir.ts";
import { startCA } from "../support/ca-fixture.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * A node that starts (a daemon restart) with a certificate already past its
 * renewal point renews it at once, from the CA of a manager it knows, keeping
 * its key; the renewal is time-driven, no role change is involved.
 */
const CLUSTER = "c".padEnd(25, "0");
const NODE = "w".padEnd(25, "0");
const H = 3_600_000;
const log = pino({ level: "silent" });
const identity: NodeIdentity = { nodeId: NODE, role: "swarm-worker", clusterId: CLUSTER };
const serialOf = (pem: Buffer | null) => (pem ? new x509.X509Certificate(pem).serialNumber : "");

/** A started renewer on a worker whose certificate the CA signed `issuedAgoMs` ago for `expiryMs`. */
async function renewerWith(expiryMs: number, issuedAgoMs: number, clock?: RenewalClock) {
  const ca = await startCA(CLUSTER, NODE);
  const swarmDir = join(await mkdtemp(join(tmpdir(), "renewer-")), "swarm");
  const { key, csr } = await createNodeKeyAndCSR();
  const cert = await signNodeCertificate(ca.root, csr, identity, expiryMs, new Date(Date.now() - issuedAgoMs));
  await writeNodeKeyPair(swarmDir, cert, key);
  await writeRootCACertificate(swarmDir, ca.root.certificate);
  const state = new NodeState(swarmDir, null, log);
  state.identity = identity;
  await state.managersFile.save([{ NodeID: "m", Addr: ca.addr }]);
  const renewed: NodeIdentity[] = [];
  const renewer = new TlsRenewer(state, profiles.swarm, new RunEpoch(), (id) => renewed.push(id), log, clock);
  renewer.start();
  return {
    swarmDir,
    renewed,
    first: serialOf(cert),
    key,
    stop: async () => {
      renewer.stop();
      ca.stop();
      await rm(join(swarmDir, ".."), { recursive: true, force: true });
    },
  };
}

async function renewsAtOnce(r: Awaited<ReturnType<typeof renewerWith>>): Promise<void> {
  try {
    await waitFor(() => r.renewed.length > 0, { timeoutMs: 10_000, what: "the time-driven renewal" });
    assert.equal(r.renewed, [identity], "the same node, the same role");
    assert.is.not(serialOf(await readNodeCertificate(r.swarmDir)), r.first, "a new certificate on disk");
    assert.ok((await readNodeKey(r.swarmDir)).equals(r.key), "the key kept");
  } finally {
    await r.stop();
  }
}

test("a 2 h certificate issued 100 minutes ago (past 80 % of its 3 h validity) renews at once", async () => {
  await renewsAtOnce(await renewerWith(2 * H, 100 * 60_000));
});

test("a node whose clock says its 2160 h certificate is 81 % through renews at once (the clock is injected)", async () => {
  const late = Date.now() - H + 0.81 * 2161 * H;
  await renewsAtOnce(await renewerWith(2160 * H, 0, { now: () => late, random: () => 0.5 }));
});

test.run();

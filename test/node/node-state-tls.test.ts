import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeIdentity } from "../../src/ca/credentials.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { NodeState } from "../../src/node/runtime/node-state.ts";
import { writeNodeKeyPair, writeRootCACertificate } from "../../src/node/state-dir.ts";

/**
 * A first run that fails (init on a port in use) is discarded while its agent may
 * still be reading the TLS files; the next run must present its own certificate,
 * not the discarded run's (else joins fail with "certificate signed by unknown authority").
 */
const log = pino({ level: "silent" });

async function writeIdentity(swarmDir: string): Promise<Buffer> {
  const identity: NodeIdentity = { nodeId: "n".padEnd(25, "0"), role: "swarm-manager", clusterId: "c".padEnd(25, "0") };
  const root = await createRootCA();
  const { key, csr } = await createNodeKeyAndCSR();
  const cert = await signNodeCertificate(root, csr, identity);
  await writeRootCACertificate(swarmDir, root.certificate);
  await writeNodeKeyPair(swarmDir, cert, key);
  return cert;
}

/** A state dir holding a first run's identity; `race` makes the discard race a read; the next run must present its own. */
async function nextRunPresentsItsOwn(race: (state: NodeState) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "node-state-"));
  try {
    const swarmDir = join(dir, "swarm");
    await writeIdentity(swarmDir);
    const state = new NodeState(swarmDir, null, log);
    await race(state);
    const second = await writeIdentity(swarmDir);
    const tls = await state.tlsMaterial();
    assert.ok(tls.current.certificate.equals(second), "the next run presents the certificate of the discarded run");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("a read of the TLS files begun before a discard never brings the discarded certificate back", () =>
  nextRunPresentsItsOwn(async (state) => {
    // The discarded run's agent asks for the material as the discard begins.
    const late = state.tlsMaterial().catch(() => null);
    await state.discard();
    await late;
  }));

test("a read begun while the discard clears the files is refused, not kept", () =>
  nextRunPresentsItsOwn(async (state) => {
    const discarding = state.discard();
    const late = state.tlsMaterial().catch(() => null);
    await discarding;
    await late;
  }));

test.run();

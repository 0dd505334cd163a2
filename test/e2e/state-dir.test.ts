import { readFileSync, writeFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { freePort } from "../../src/net/free-port.ts";
import { listing } from "../support/dir-listing.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * What a user finds on disk and in `node inspect` compares with Docker's
 * /var/lib/docker/swarm; a node whose certificate got corrupted says so as Docker does.
 */
const swarm = useSwarm(test);
const swarmDir = (node: string) => join(swarm.dir, node, "swarm");
interface Inspected {
  Description: { TLSInfo: { TrustRoot?: string } };
}

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
});

test("a manager's and a worker's state dirs hold Docker's files with Docker's modes", async () => {
  const m1 = await listing(swarmDir("m1"));
  const files = m1.filter((l) => !/ raft\/(wal|snap)\//.test(l));
  assert.equal(files, [
    "0700 .",
    "0755 certificates",
    "0600 certificates/swarm-node.creds",
    "0644 certificates/swarm-node.crt",
    "0600 certificates/swarm-node.key",
    "0600 certificates/swarm-node.key-headers",
    "0644 certificates/swarm-root-ca.crt",
    "0600 docker-state.json",
    "0700 raft",
    "0700 raft/snap",
    "0700 raft/wal",
    "0600 state.json",
    "0755 worker",
  ]);
  const raftFiles = m1.filter((l) => / raft\/(wal\/.+\.wal|snap\/.+\.snap)$/.test(l));
  assert.ok(raftFiles.length > 0 && raftFiles.every((l) => l.startsWith("0600 ")), raftFiles.join(", "));
  assert.equal(await listing(swarmDir("w1")), [
    "0700 .",
    "0755 certificates",
    "0644 certificates/swarm-node.crt",
    "0600 certificates/swarm-node.key",
    "0644 certificates/swarm-root-ca.crt",
    "0600 docker-state.json",
    "0600 state.json",
    "0755 worker",
  ]);
});

test("node inspect shows each registered node's TLSInfo.TrustRoot: the root CA that swarm ca prints", async () => {
  const ca = (await swarm.cli("m1", "swarm", "ca")).stdout;
  for (const n of ["m1", "w1"]) {
    const [node] = await swarm.json<Inspected[]>("m1", "node", "inspect", n);
    assert.is(`${node?.Description.TLSInfo.TrustRoot?.trim()}\n`, ca, `${n}'s trust root`);
  }
});

/** Every file under `dir` with its mode and bytes: what a failed restart must leave as it found it. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = (await listing(dir)).filter((l) => !l.endsWith(" ."));
  return Promise.all(
    entries.map(async (l) => {
      const path = join(dir, l.slice(5));
      return (await stat(path)).isFile() ? `${l} ${(await readFile(path)).toString("base64")}` : l;
    }),
  );
}

const certFile = (node: string, file: string) => join(swarmDir(node), "certificates", file);
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * w1 restarted on certificates/ with `files` written over (their originals put
 * back after): it is in error with `reason` about swarm-node.crt, its API still
 * answers, and not one file of its state dir was deleted or rewritten.
 */
async function restartCorrupted(files: Record<string, Buffer>, reason: string): Promise<void> {
  await swarm.daemons.get("w1")?.stop(3000);
  const originals = Object.fromEntries(Object.keys(files).map((f) => [f, readFileSync(certFile("w1", f))]));
  for (const [f, bytes] of Object.entries(files)) writeFileSync(certFile("w1", f), bytes);
  const before = await snapshot(swarmDir("w1"));
  try {
    await swarm.daemon("w1");
    const expected = `error while loading TLS certificate in ${certFile("w1", "swarm-node.crt")}: ${reason}`;
    const info = await waitFor(
      async () => {
        const i = await swarm.json<SwarmInfo>("w1", "info", "--format", "json");
        return i.LocalNodeState === "error" ? i : undefined;
      },
      { timeoutMs: 10_000, what: "w1 in error", intervalMs: 100 },
    );
    assert.is(info.Error, expected);
    assert.is(info.ControlAvailable, false);
    const text = (await swarm.cli("w1", "info")).stdout;
    assert.match(
      text,
      new RegExp(`^ Swarm: error\\n {2}NodeID: \\n {2}Error: ${escaped(expected)}\\n {2}Is Manager: false\\n`),
    );
    assert.equal(await snapshot(swarmDir("w1")), before, "the state dir is kept as it was");
  } finally {
    for (const [f, bytes] of Object.entries(originals)) writeFileSync(certFile("w1", f), bytes);
  }
}

test("a garbage swarm-node.crt: the restarted node is in error with SwarmKit's TLS-loading error", async () => {
  await restartCorrupted(
    { "swarm-node.crt": Buffer.from("not a certificate\n") },
    "tls: failed to find any PEM data in certificate input",
  );
});

test("a garbage or truncated swarm-node.key: error, the state dir kept", async () => {
  await restartCorrupted({ "swarm-node.key": Buffer.from("garbage\n") }, "invalid PEM-encoded private key");
  const key = readFileSync(certFile("w1", "swarm-node.key"));
  await restartCorrupted({ "swarm-node.key": key.subarray(0, key.length - 40) }, "invalid PEM-encoded private key");
});

test("a truncated swarm-node.crt: error, the state dir kept", async () => {
  const cert = readFileSync(certFile("w1", "swarm-node.crt"));
  await restartCorrupted(
    { "swarm-node.crt": cert.subarray(0, cert.length / 2) },
    "tls: failed to find any PEM data in certificate input",
  );
});

test("another node's key, or another swarm's root, beside the certificate: error; the files put back, the node rejoins", async () => {
  await restartCorrupted(
    { "swarm-node.key": readFileSync(certFile("m1", "swarm-node.key")) },
    "tls: private key does not match public key",
  );
  await restartCorrupted(
    { "swarm-root-ca.crt": (await createRootCA()).certificate },
    'x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "swarm-ca")',
  );
  await swarm.daemons.get("w1")?.stop(3000);
  await swarm.daemon("w1");
  await waitFor(
    async () => (await swarm.json<SwarmInfo>("w1", "info", "--format", "json")).LocalNodeState === "active",
    { timeoutMs: 20_000, what: "w1 active again", intervalMs: 100 },
  );
});

test.run();

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
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

test("a corrupt swarm-node.crt: the restarted node is in error with SwarmKit's TLS-loading error", async () => {
  const w1 = swarm.daemons.get("w1");
  await w1?.stop(3000);
  const cert = join(swarmDir("w1"), "certificates", "swarm-node.crt");
  writeFileSync(cert, "not a certificate\n");
  await swarm.daemon("w1");
  const expected = `error while loading TLS certificate in ${cert}: no certificates to validate`;
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
    new RegExp(
      `^ Swarm: error\\n {2}NodeID: \\n {2}Error: ${expected.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\n {2}Is Manager: false\\n`,
    ),
  );
});

test.run();

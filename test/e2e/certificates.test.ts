import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { x509 } from "../../src/ca/pki/x509.ts";
import { freePort } from "../../src/net/free-port.ts";
import { expectedSubjectIssuer, opensslReport } from "../support/openssl.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * The certificates a user finds on each node after `swarm init` and two joins
 * are real X.509, as Docker's are: openssl reads them, verifies the node's
 * against the swarm's root, and their subject names the node, role and cluster.
 */
const swarm = useSwarm(test);
const certDir = (node: string) => join(swarm.dir, node, "swarm", "certificates");
interface Inspected {
  ID: string;
  Description: { TLSInfo: { TrustRoot?: string; CertIssuerSubject?: string; CertIssuerPublicKey?: string } };
}

async function join_(node: string, token: string, addr: string): Promise<void> {
  await swarm.daemon(node);
  const listen = `127.0.0.1:${await freePort()}`;
  const j = await swarm.cli(node, "swarm", "join", "--token", token, addr, "--listen-addr", listen);
  assert.is(j.code, 0, `${node} join failed: ${j.stderr}`);
}

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await join_("w1", token, addr);
  const managerToken = (await swarm.cli("m1", "swarm", "join-token", "-q", "manager")).stdout.trim();
  await join_("m2", managerToken, addr);
});

test("on every node, openssl reads swarm-node.crt (CN node ID, OU role, O cluster ID), verifies it, reads the key", async () => {
  const clusterId = (await swarm.json<SwarmInfo>("m1", "info", "--format", "json")).Cluster?.ID ?? "";
  assert.match(clusterId, /^[0-9a-z]{25}$/);
  const roles = { m1: "swarm-manager", w1: "swarm-worker", m2: "swarm-manager" } as const;
  for (const [node, role] of Object.entries(roles)) {
    const [self] = await swarm.json<Inspected[]>(
      node === "w1" ? "m1" : node,
      "node",
      "inspect",
      node === "w1" ? "w1" : "self",
    );
    const r = await opensslReport(certDir(node));
    assert.is(r.subjectIssuer, expectedSubjectIssuer(self?.ID ?? "?", role, clusterId), node);
    assert.is(r.verify, "swarm-node.crt: OK", node);
    assert.ok(r.keyReadable, `${node}: openssl pkey reads swarm-node.key`);
    assert.is((await swarm.json<SwarmInfo>(node, "info", "--format", "json")).NodeID, self?.ID, node);
  }
});

test("every node trusts the one root that swarm ca prints; node inspect shows it and its issuer as moby does", async () => {
  const ca = (await swarm.cli("m1", "swarm", "ca")).stdout;
  assert.match(ca, /^-----BEGIN CERTIFICATE-----\n/);
  const root = new x509.X509Certificate(ca);
  const subject = Buffer.from(root.subjectName.toArrayBuffer()).toString("base64");
  const publicKey = Buffer.from(root.publicKey.rawData).toString("base64");
  for (const node of ["m1", "w1", "m2"]) {
    assert.is(readFileSync(join(certDir(node), "swarm-root-ca.crt"), "utf8"), ca, `${node}'s swarm-root-ca.crt`);
    const [inspected] = await swarm.json<Inspected[]>("m1", "node", "inspect", node);
    assert.equal(inspected?.Description.TLSInfo, {
      TrustRoot: ca,
      CertIssuerSubject: subject,
      CertIssuerPublicKey: publicKey,
    });
  }
  const info = await swarm.json<SwarmInfo>("m1", "info", "--format", "json");
  assert.equal(info.Cluster?.TLSInfo, { TrustRoot: ca, CertIssuerSubject: subject, CertIssuerPublicKey: publicKey });
  const ls = await swarm.cli("m1", "node", "ls", "--format", "{{.Hostname}} {{.TLSStatus}}");
  assert.equal(ls.stdout.trim().split("\n").sort(), ["m1 Ready", "m2 Ready", "w1 Ready"]);
});

test("promote w1: its certificate is reissued as swarm-manager and it runs a manager; demote it: swarm-worker, its manager stops; each survives a restart", async () => {
  const [w1] = await swarm.json<Inspected[]>("m1", "node", "inspect", "w1");
  const clusterId = (await swarm.json<SwarmInfo>("m1", "info", "--format", "json")).Cluster?.ID ?? "";
  const subject = async () => (await opensslReport(certDir("w1"))).subjectIssuer;
  const controlAvailable = async () => (await swarm.json<SwarmInfo>("w1", "info", "--format", "json")).ControlAvailable;
  const runsAs = async (role: "swarm-manager" | "swarm-worker", what: string) => {
    const expected = expectedSubjectIssuer(w1?.ID ?? "?", role, clusterId);
    await waitFor(async () => (await subject()) === expected, { timeoutMs: 20_000, what: `${what}: OU ${role}` });
    const manager = role === "swarm-manager";
    await waitFor(async () => (await controlAvailable()) === manager, {
      timeoutMs: 20_000,
      what: `${what}: ${manager ? "runs" : "no longer runs"} a manager`,
      intervalMs: 150,
    });
    assert.is((await opensslReport(certDir("w1"))).verify, "swarm-node.crt: OK", what);
  };
  const restart = async () => {
    await swarm.daemons.get("w1")?.stop(3000);
    await swarm.daemon("w1");
  };

  const p = await swarm.cli("m1", "node", "promote", "w1");
  assert.is(p.stdout, "Node w1 promoted to a manager in the swarm.\n", p.stderr);
  await runsAs("swarm-manager", "promoted");
  await restart();
  await runsAs("swarm-manager", "promoted, restarted");

  const d = await swarm.cli("m1", "node", "demote", "w1");
  assert.is(d.stdout, "Manager w1 demoted in the swarm.\n", d.stderr);
  await runsAs("swarm-worker", "demoted");
  await restart();
  await runsAs("swarm-worker", "demoted, restarted");
});

test.run();

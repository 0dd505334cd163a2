import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { x509 } from "../../src/ca/pki/x509.ts";
import { profiles } from "../../src/config/profile.ts";
import { freePort } from "../../src/net/free-port.ts";
import { lsRow, parseNodeLs } from "../support/node-ls.ts";
import { opensslReport } from "../support/openssl.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * A swarm with a short certificate expiry (`swarm update --cert-expiry 2h`, so
 * a certificate is valid 3 h with the 1 h backdate): a worker's certificate is
 * renewed by itself, inside its 50–80 % window, with the same key and subject,
 * and the swarm carries on. The fast profile compresses the wait until the
 * window by certRenewalWaitDivisor (an hour of certificate time in 10 s), so
 * the window is 5–14 s after the join; the certificates' own times say when.
 */
const swarm = useSwarm(test);
const certDir = (node: string) => join(swarm.dir, node, "swarm", "certificates");
const nodeCert = (node: string) => new x509.X509Certificate(readFileSync(join(certDir(node), "swarm-node.crt")));
const H = 3_600_000;
interface Inspected {
  Description: { TLSInfo: { TrustRoot?: string; CertIssuerSubject?: string; CertIssuerPublicKey?: string } };
}
const tlsInfo = async () => (await swarm.json<Inspected[]>("m1", "node", "inspect", "w1"))[0]?.Description.TLSInfo;

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  const update = await swarm.cli("m1", "swarm", "update", "--cert-expiry", "2h");
  assert.is(update.stdout, "Swarm updated.\n", update.stderr);
  await swarm.joinWorker("w1", token, addr);
});

test("the worker renews its certificate inside 50–80 % of its validity: new serial, same key and subject", async () => {
  const first = nodeCert("w1");
  const key = readFileSync(join(certDir("w1"), "swarm-node.key"));
  const validity = first.notAfter.getTime() - first.notBefore.getTime();
  assert.is(validity, 3 * H, "2 h of expiry and 1 h of backdate");
  const inspected = await tlsInfo();
  const info = (await swarm.cli("m1", "info")).stdout;
  assert.match(
    info,
    "\n  CA Configuration:\n   Expiry Duration: 2 hours\n   Force Rotate: 0\n",
    "info: the spec's expiry",
  );
  const renewed = await waitFor(
    () => {
      const now = nodeCert("w1");
      return now.serialNumber !== first.serialNumber ? now : undefined;
    },
    { timeoutMs: 40_000, what: "w1's certificate renewed", intervalMs: 100 },
  );
  assert.is(renewed.subject, first.subject, "CN node ID, OU role, O cluster ID kept");
  assert.ok(Buffer.from(renewed.publicKey.rawData).equals(Buffer.from(first.publicKey.rawData)), "same public key");
  assert.ok(readFileSync(join(certDir("w1"), "swarm-node.key")).equals(key), "swarm-node.key untouched");
  assert.is(renewed.notAfter.getTime() - renewed.notBefore.getTime(), 3 * H, "the cluster's expiry again");
  // When it was renewed, in certificate time: the CA signed the new one (NotBefore + 1 h) that
  // long after the first, times the divisor. Certificate times count whole seconds (± 1 s); only
  // late is possible beyond that: the join's end until the renewer starts and the renewal's round
  // trip to the CA come on top, uncompressed (allowed up to 2 s together).
  const divisor = profiles.fast.certRenewalWaitDivisor;
  const at = H + (renewed.notBefore.getTime() - first.notBefore.getTime()) * divisor;
  const lower = 0.5 * validity - 1000 * divisor;
  const upper = 0.8 * validity + 3000 * divisor;
  assert.ok(at >= lower && at <= upper, `renewed at ${(at / validity).toFixed(3)} of the validity`);
  const r = await opensslReport(certDir("w1"));
  assert.is(r.verify, "swarm-node.crt: OK");
  assert.equal(await tlsInfo(), inspected, "node inspect's TLSInfo: the same root and issuer");
});

test("after renewals the swarm keeps working: a promotion of w1 still reissues its certificate as a manager's", async () => {
  const last = nodeCert("w1").serialNumber;
  await waitFor(() => nodeCert("w1").serialNumber !== last, {
    timeoutMs: 40_000,
    what: "w1's certificate renewed again",
    intervalMs: 100,
  });
  assert.is((await swarm.json<SwarmInfo>("w1", "info", "--format", "json")).LocalNodeState, "active");
  assert.is(lsRow(parseNodeLs((await swarm.cli("m1", "node", "ls")).stdout), "w1")?.status, "Ready");
  const promote = await swarm.write("m1", "node", "promote", "w1");
  assert.is(promote.stdout, "Node w1 promoted to a manager in the swarm.\n", promote.stderr);
  await waitFor(
    async () =>
      nodeCert("w1").subjectName.getField("OU")[0] === "swarm-manager" &&
      (await swarm.json<SwarmInfo>("w1", "info", "--format", "json")).ControlAvailable === true,
    { timeoutMs: 30_000, what: "w1 a manager by its certificate", intervalMs: 100 },
  );
});

test.run();

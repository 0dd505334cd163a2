import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { JOIN_TOKEN_REQUIRED } from "../../src/ca/join-token.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { createRootCA, type SigningRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { RENEWAL_CERTIFICATE_METADATA } from "../../src/ca/renew.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { startCA } from "../support/ca-fixture.ts";

/**
 * A renewal (IssueNodeCertificate without a token) counts only with a
 * certificate of this swarm: one signed by another root is no renewal (the
 * caller then needs a join token, as SwarmKit answers), one for a node the
 * store does not hold is NotFound; neither writes anything.
 */
const CLUSTER = "c".padEnd(25, "0");
const NODE = "w".padEnd(25, "0");

async function renew(addr: string, root: SigningRootCA, nodeId: string) {
  const { csr } = await createNodeKeyAndCSR();
  const presented = await signNodeCertificate(root, csr, { nodeId, role: "swarm-manager", clusterId: CLUSTER });
  const md = new Metadata();
  md.set(RENEWAL_CERTIFICATE_METADATA, presented);
  const client = new swarmkit.NodeCA(addr, credentials.createInsecure());
  try {
    return await new Promise<ServiceError | null>((resolve) =>
      client.IssueNodeCertificate({ csr, token: "", availability: "ACTIVE" }, md, (err) => resolve(err)),
    );
  } finally {
    client.close();
  }
}

test("a renewal with a certificate from another root, or for an unknown node, is refused and writes nothing", async () => {
  const ca = await startCA(CLUSTER, NODE);
  try {
    const before = ca.store.view((tx) => tx.node(NODE));
    const foreign = await renew(ca.addr, await createRootCA(), NODE);
    assert.equal([foreign?.code, foreign?.details], [3, JOIN_TOKEN_REQUIRED]);
    const unknown = await renew(ca.addr, ca.root, "x".padEnd(25, "0"));
    assert.equal(
      [unknown?.code, unknown?.details],
      [5, `node ${"x".padEnd(25, "0")} not found when attempting to renew certificate`],
    );
    assert.equal(
      ca.store.view((tx) => tx.node(NODE)),
      before,
    );
    assert.is(ca.store.view((tx) => tx.nodes()).length, 1);
  } finally {
    ca.stop();
  }
});

test.run();

import type { ServiceError } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { JOIN_TOKEN_REQUIRED } from "../../src/ca/join-token.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { createRootCA, type SigningRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { pinnedChannelCredentials, serverNameOption } from "../../src/ca/tls/client-credentials.ts";
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

/** A renewal over TLS pinned to the swarm's root (`trusted`), presenting a certificate `root` signed. */
async function renew(addr: string, trusted: Buffer, root: SigningRootCA, nodeId: string) {
  const { key, csr } = await createNodeKeyAndCSR();
  const certificate = await signNodeCertificate(root, csr, { nodeId, role: "swarm-manager", clusterId: CLUSTER });
  const client = new swarmkit.NodeCA(
    addr,
    pinnedChannelCredentials(trusted, "swarm-ca", { key, certificate }),
    serverNameOption("swarm-ca"),
  );
  try {
    return await new Promise<ServiceError | null>((resolve) =>
      client.IssueNodeCertificate({ csr, token: "", availability: "ACTIVE" }, (err) => resolve(err)),
    );
  } finally {
    client.close();
  }
}

test("a renewal with a certificate from another root, or for an unknown node, is refused and writes nothing", async () => {
  const ca = await startCA(CLUSTER, NODE);
  try {
    const before = ca.store.view((tx) => tx.node(NODE));
    const foreign = await renew(ca.addr, ca.root.certificate, await createRootCA(), NODE);
    assert.equal([foreign?.code, foreign?.details], [3, JOIN_TOKEN_REQUIRED]);
    const unknown = await renew(ca.addr, ca.root.certificate, ca.root, "x".padEnd(25, "0"));
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

import { connect } from "node:tls";
import { Server } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { tlsServerCredentials } from "../../src/ca/tls/server-credentials.ts";
import { LiveTlsMaterial } from "../../src/ca/tls/tls-material.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { issueFor } from "../support/tls-fixture.ts";

const CLUSTER = "c".padEnd(25, "0");

/** The subject CN of the certificate a new TLS connection to `port` is shown. */
function presentedCN(port: number, rootCA: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(
      { host: "127.0.0.1", port, ca: rootCA, servername: "swarm-manager", ALPNProtocols: ["h2"] },
      () => {
        const cn = s.getPeerCertificate().subject.CN;
        s.destroy();
        resolve((Array.isArray(cn) ? cn[0] : cn) ?? "");
      },
    );
    s.on("error", reject);
  });
}

test("a renewed certificate is what the next connection sees, on the same port, with no restart", async () => {
  const root = await createRootCA();
  const material = new LiveTlsMaterial(
    await issueFor(root, { nodeId: "a".padEnd(25, "0"), role: "swarm-manager", clusterId: CLUSTER }),
  );
  const server = new Server();
  server.addService(swarmkit.RootCA.service, {});
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", tlsServerCredentials(material, CLUSTER).serverCredentials(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  try {
    assert.is(await presentedCN(port, root.certificate), "a".padEnd(25, "0"));
    const renewed = await issueFor(root, { nodeId: "b".padEnd(25, "0"), role: "swarm-manager", clusterId: CLUSTER });
    material.update({ certificate: renewed.certificate, key: renewed.key });
    assert.is(await presentedCN(port, root.certificate), "b".padEnd(25, "0"));
  } finally {
    server.forceShutdown();
  }
});

test.run();

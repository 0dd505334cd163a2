import { createAccount, decode } from "@nats-io/jwt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNodeNkey } from "../../src/bus/auth/node-nkey.ts";
import { requestNodeIdentity } from "../../src/ca/join.ts";
import { requestRenewedCertificate } from "../../src/ca/renew.ts";
import { startCluster, type TestCluster } from "../manager/support/manager-cluster.ts";
import { rpcRejection } from "../support/caught.ts";

/**
 * Issue 11 §2: the node sends the public half of its NATS nkey with its CSR;
 * a cluster that keeps the swarm NATS account's signer answers a manager's
 * certificate (a join as manager, a renewal) with a user JWT for that key,
 * and a worker's with none. A key that is not a NATS user key is refused.
 */
const account = createAccount();
const signing = createAccount();
const signer = { account: account.getPublicKey(), signingSeed: new TextDecoder().decode(signing.getSeed()) };

let c: TestCluster;
test.before(async () => {
  c = await startCluster(undefined, undefined, signer);
});
test.after(async () => {
  await c.close();
});

interface Claims {
  pub?: { allow?: string[] };
}

const join = (token: string, natsUserKey: string) =>
  requestNodeIdentity({ remoteAddr: c.manager.listenAddr, token, profile: c.profile, natsUserKey });

test("a manager's join comes with a JWT for the node's key, signed for the swarm account, sending raft only as itself", async () => {
  const nkey = createNodeNkey();
  const issued = await join(c.manager.joinTokens().manager, nkey.publicKey);
  assert.is(issued.identity.role, "swarm-manager");
  const claims = decode<Claims>(issued.natsUserJwt ?? "");
  assert.is(claims.sub, nkey.publicKey);
  assert.is(claims.iss, signing.getPublicKey());
  assert.is(claims.name, `manager-${issued.identity.nodeId}`);
  assert.equal(
    claims.nats.pub?.allow?.filter((s) => s.includes(".raft.")),
    [`swarmbus.cluster.${c.clusterId}.raft.*.${issued.identity.nodeId}`],
  );

  // A renewal with the same key gets a JWT again (the seed stays on the node across renewals).
  const renewed = await requestRenewedCertificate({
    remoteAddr: c.manager.listenAddr,
    profile: c.profile,
    signal: AbortSignal.timeout(20_000),
    certificate: issued.certificate,
    key: issued.key,
    rootCACertificate: issued.rootCACertificate,
    natsUserKey: nkey.publicKey,
  });
  assert.is(decode(renewed.natsUserJwt ?? "").sub, nkey.publicKey);
  assert.not.equal(renewed.certificate, issued.certificate);
});

test("a worker's join comes with no JWT", async () => {
  const issued = await join(c.manager.joinTokens().worker, createNodeNkey().publicKey);
  assert.is(issued.identity.role, "swarm-worker");
  assert.is(issued.natsUserJwt, undefined);
});

test("a key that is not a NATS user public key is refused InvalidArgument, and no node is made", async () => {
  const before = c.manager.listNodes().length;
  for (const bad of ["not-a-key", createAccount().getPublicKey()]) {
    const e = await rpcRejection(() => join(c.manager.joinTokens().manager, bad));
    assert.is(e.code, 3, e.grpcText);
    assert.match(e.grpcText, /not a NATS user public key/);
  }
  assert.is(c.manager.listNodes().length, before);
});

test.run();

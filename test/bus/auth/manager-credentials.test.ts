import { createAccount, decode } from "@nats-io/jwt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { issueManagerJwt } from "../../../src/bus/auth/manager-credentials.ts";
import { createNodeNkey, isUserPublicKey } from "../../../src/bus/auth/node-nkey.ts";
import { type BusIdentity, busPermissions, inboxPrefixOf } from "../../../src/bus/auth/permissions.ts";
import { isRpcError } from "../../../src/rpc/status.ts";
import { rejection } from "../../support/caught.ts";

/** The JWT the CA issues with a manager's certificate: the manager's permissions, for the key the node sent. */
const signer = {
  account: createAccount().getPublicKey(),
  signingSeed: new TextDecoder().decode(createAccount().getSeed()),
};

interface Claims {
  pub?: { allow?: string[] };
  sub?: { allow?: string[] };
}

test("a manager's JWT names the node's key and holds its raft sends to its node ID, even from a TLS identity", async () => {
  const key = createNodeNkey().publicKey;
  // A NodeIdentity carries role "swarm-manager": it must not stand in for the bus identity's role.
  const identity = { nodeId: "node1", clusterId: "clu1", role: "swarm-manager" };
  const claims = decode<Claims>(await issueManagerJwt(signer, identity, key));
  assert.is(claims.sub, key);
  assert.is(claims.name, "manager-node1");
  assert.ok(claims.nats.pub?.allow?.includes("swarmbus.cluster.clu1.raft.*.node1"), JSON.stringify(claims.nats));
  assert.ok(claims.nats.sub?.allow?.includes("_INBOX_node1.>"), JSON.stringify(claims.nats));
});

test("a key that is not a NATS user public key is refused InvalidArgument", async () => {
  for (const bad of ["", "hello", createAccount().getPublicKey(), corrupted(createNodeNkey().publicKey)]) {
    assert.not.ok(isUserPublicKey(bad), bad);
    const e = await rejection(() => issueManagerJwt(signer, { nodeId: "n", clusterId: "c" }, bad));
    assert.ok(isRpcError(e, "InvalidArgument"), String(e));
  }
});

test("an identity of no known role gets no permissions to sign (which would mean every subject): Internal", () => {
  const bogus = { role: "swarm-manager", nodeId: "n", clusterId: "c" } as unknown as BusIdentity;
  for (const f of [() => busPermissions(bogus), () => inboxPrefixOf(bogus)]) {
    try {
      f();
      assert.unreachable("an unknown role was accepted");
    } catch (e) {
      assert.ok(isRpcError(e, "Internal"), String(e));
    }
  }
});

/** The key with its last character (part of the checksum) changed. */
function corrupted(key: string): string {
  return `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
}

test.run();

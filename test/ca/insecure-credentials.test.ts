import { Metadata } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeIdentity } from "../../src/ca/credentials.ts";
import {
  decodeIdentityCertificate,
  encodeIdentityCertificate,
  IDENTITY_METADATA_KEY,
  insecureClientCredentials,
  insecureClientCredentialsFromCertificate,
  insecureServerCredentials,
} from "../../src/ca/insecure-credentials.ts";
import { isRpcError, type RpcError } from "../../src/rpc/status.ts";
import { thrown } from "../support/caught.ts";

const me: NodeIdentity = { nodeId: "abc", role: "swarm-worker", clusterId: "c1" };

function denied(fn: () => unknown): RpcError {
  const e = thrown(fn, "expected PermissionDenied");
  assert.ok(isRpcError(e, "PermissionDenied"), String(e));
  return e;
}

test("the identity certificate round-trips, and client credentials from it present the same identity", () => {
  const cert = encodeIdentityCertificate(me);
  assert.equal(decodeIdentityCertificate(cert), me);
  assert.equal(insecureClientCredentialsFromCertificate(cert).identity, me);
});

test("bytes that are not an identity certificate → InvalidArgument", () => {
  for (const b of [
    Buffer.from("nope"),
    Buffer.from("{}"),
    encodeIdentityCertificate({ ...me, role: "x" as "swarm-worker" }),
  ]) {
    try {
      decodeIdentityCertificate(b);
      assert.unreachable();
    } catch (e) {
      assert.ok(isRpcError(e, "InvalidArgument"));
    }
  }
});

test("the server authenticates the identity in call metadata", () => {
  const server = insecureServerCredentials("c1");
  assert.equal(server.authenticate(insecureClientCredentials(me).callMetadata(), "127.0.0.1:1"), me);
});

test("another organization, an unauthorized role, or no identity → PermissionDenied as ca/auth.go", () => {
  const server = insecureServerCredentials("c1");
  const foreign = denied(() =>
    server.authenticate(insecureClientCredentials({ ...me, clusterId: "c2" }).callMetadata(), "p"),
  );
  assert.is(foreign.message, "Permission denied: remote certificate not part of organization: c1");
  const managersOnly = insecureServerCredentials("c1", ["swarm-manager"]);
  const role = denied(() => managersOnly.authenticate(insecureClientCredentials(me).callMetadata(), "p"));
  assert.is(role.message, "Permission denied: unauthorized peer role: swarm-worker");
  const none = denied(() => server.authenticate(new Metadata(), "p"));
  assert.match(none.message, /^Permission denied: /);
  const md = new Metadata();
  md.set(IDENTITY_METADATA_KEY, "!!garbage!!");
  denied(() => server.authenticate(md, "p"));
});

test.run();

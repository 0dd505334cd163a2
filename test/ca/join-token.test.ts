import { test } from "uvu";
import * as assert from "uvu/assert";
import { generateJoinToken, parseJoinToken, roleForToken } from "../../src/ca/join-token.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { rootCACertHash, rootCADigestHex } from "../../src/ca/root-ca.ts";
import { isRpcError, type RpcError } from "../../src/rpc/status.ts";

const root = (await createRootCA()).certificate;

test("format: SWMTKN-1-<50 base 36>-<25 base 36>", () => {
  for (let i = 0; i < 100; i++) {
    const t = generateJoinToken(root);
    assert.match(t, /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
  }
});

test("the digest part is the sha256 of the root CA in base 36; parse gives the hex back", () => {
  const t = generateJoinToken(root);
  const hex = rootCADigestHex(root);
  assert.is(t.split("-")[2], BigInt(`0x${hex}`).toString(36).padStart(50, "0"));
  assert.is(parseJoinToken(t).rootDigestHex, hex);
  assert.is(rootCACertHash(root), `sha256:${hex}`);
});

test("worker and manager tokens of one root differ only in the secret", () => {
  const a = generateJoinToken(root);
  const b = generateJoinToken(root);
  assert.is(a.slice(0, 60), b.slice(0, 60));
  assert.is.not(a, b);
});

test("secrets are left-padded to 25 characters", () => {
  const t = generateJoinToken(root, (n) => Buffer.alloc(n));
  assert.is(t.split("-")[3], "0".repeat(25));
});

test("parse errors are InvalidArgument 'invalid join token'", () => {
  const good = generateJoinToken(root);
  const [, , digest, secret] = good.split("-");
  for (const bad of [
    "",
    "SWMTKN",
    `SWMTKN-2-${digest}-${secret}`,
    `SWMTKN-1-${digest}`,
    `SWMTKN-1-${digest}-${secret}-x`,
    `SWMTKN-1-${digest!.slice(1)}-${secret}`,
    `SWMTKN-1-${digest}-${secret!.slice(1)}`,
    `SWMTKN-1-${digest}-${secret!.toUpperCase()}`,
    `XWMTKN-1-${digest}-${secret}`,
    `SWMTKN-1-${"z".repeat(50)}-${secret}`,
  ]) {
    try {
      parseJoinToken(bad);
      assert.unreachable(`parsed ${bad}`);
    } catch (e) {
      assert.ok(isRpcError(e, "InvalidArgument"), String(e));
      assert.is((e as RpcError).dockerText, "Error response from daemon: invalid join token");
    }
  }
});

test("v2 tokens (SWMTKN-2-<fips 0|1>-…) parse too, with their FIPS flag", () => {
  const [, , digest, secret] = generateJoinToken(root).split("-");
  const v2 = parseJoinToken(`SWMTKN-2-1-${digest}-${secret}`);
  assert.equal([v2.version, v2.fips, v2.rootDigestHex], [2, true, rootCADigestHex(root)]);
  assert.is(parseJoinToken(`SWMTKN-2-0-${digest}-${secret}`).fips, false);
  assert.throws(() => parseJoinToken(`SWMTKN-2-2-${digest}-${secret}`), /invalid join token/);
});

test("roleForToken: manager first, then worker; anything else is refused", () => {
  const tokens = { worker: generateJoinToken(root), manager: generateJoinToken(root) };
  assert.is(roleForToken(tokens.manager, tokens), "manager");
  assert.is(roleForToken(tokens.worker, tokens), "worker");
  assert.is(roleForToken(tokens.worker, { worker: tokens.worker, manager: tokens.worker }), "manager");
  for (const t of [generateJoinToken(root), "", "x"]) {
    try {
      roleForToken(t, tokens);
      assert.unreachable();
    } catch (e) {
      assert.ok(isRpcError(e, "InvalidArgument"));
      assert.is((e as Error).message, "A valid join token is necessary to join this cluster");
    }
  }
});

test.run();

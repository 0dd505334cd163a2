import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  decryptNodeKey,
  InvalidKekError,
  isEncryptedKeyPem,
  openWithKek,
  reencryptNodeKey,
  sealWithKek,
} from "../../../src/manager/deks/key-encryption.ts";
import { generateUnlockKey, humanReadableKey, parseHumanReadableKey } from "../../../src/manager/deks/unlock-key.ts";
import { isRpcError } from "../../../src/rpc/status.ts";
import { thrown } from "../../support/caught.ts";

/** What a KEK locks: the node key as an encrypted PKCS#8 PEM, the Raft DEK sealed; the unlock key as the operator sees it. */
const clearKey = (): Buffer =>
  Buffer.from(
    generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }),
  );

test("a node key encrypted under a KEK is an ENCRYPTED PRIVATE KEY that only that KEK opens, to the same key", () => {
  const pem = clearKey();
  const kek = generateUnlockKey();
  const locked = reencryptNodeKey(pem, null, kek);
  assert.ok(isEncryptedKeyPem(locked));
  assert.not.ok(isEncryptedKeyPem(pem));
  assert.not.ok(locked.includes(pem.subarray(30, 60)), "the clear key's bytes are not in the file");
  const opened = decryptNodeKey(locked, kek);
  assert.ok(createPrivateKey(opened).equals(createPrivateKey(pem)));
  assert.instance(
    thrown(() => decryptNodeKey(locked, generateUnlockKey())),
    InvalidKekError,
  );
  assert.instance(
    thrown(() => decryptNodeKey(locked, null)),
    InvalidKekError,
  );
});

test("a key in clear needs no KEK; rotating moves it from one KEK to the next, and back to clear", () => {
  const pem = clearKey();
  assert.equal(decryptNodeKey(pem, null), pem);
  const [a, b] = [generateUnlockKey(), generateUnlockKey()];
  const underB = reencryptNodeKey(reencryptNodeKey(pem, null, a), a, b);
  assert.instance(
    thrown(() => decryptNodeKey(underB, a)),
    InvalidKekError,
  );
  const clear = reencryptNodeKey(underB, b, null);
  assert.not.ok(isEncryptedKeyPem(clear));
  assert.ok(createPrivateKey(clear).equals(createPrivateKey(pem)));
});

test("a DEK sealed with a KEK opens with it only, and sealing twice gives different bytes (a fresh nonce)", () => {
  const dek = Buffer.alloc(32, 7);
  const kek = generateUnlockKey();
  const sealed = sealWithKek(dek, kek);
  assert.is(sealed.length, 12 + 32 + 16);
  assert.not.ok(sealed.includes(dek));
  assert.equal(openWithKek(sealed, kek), dek);
  assert.not.equal(sealWithKek(dek, kek), sealed);
  assert.instance(
    thrown(() => openWithKek(sealed, generateUnlockKey())),
    InvalidKekError,
  );
  assert.instance(
    thrown(() => openWithKek(Buffer.alloc(5), kek)),
    InvalidKekError,
  );
});

test("the unlock key reads SWMKEY-1- and unpadded base64, and parses back to its 32 bytes", () => {
  const key = generateUnlockKey();
  const text = humanReadableKey(key);
  assert.match(text, /^SWMKEY-1-[A-Za-z0-9+/]{43}$/);
  assert.equal(parseHumanReadableKey(text), key);
  for (const bad of ["", "SWMTKN-1-abc", "SWMKEY-1-!!!", "SWMKEY-1-abcde", `${text}=`]) {
    const e = thrown(() => parseHumanReadableKey(bad));
    assert.ok(isRpcError(e, "InvalidArgument"), bad);
    assert.is((e as Error).message, "invalid key string");
  }
});

test.run();

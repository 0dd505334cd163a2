import { test } from "uvu";
import * as assert from "uvu/assert";
import { isId, newId } from "../../src/ca/ids.ts";

test("IDs are 25 characters of [0-9a-z]", () => {
  for (let i = 0; i < 500; i++) {
    const id = newId();
    assert.is(id.length, 25);
    assert.ok(/^[0-9a-z]{25}$/.test(id), id);
    assert.ok(isId(id));
  }
});

test("IDs are distinct", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newId()));
  assert.is(ids.size, 1000);
});

test("the high bit of the first byte is set, so even all-zero randomness gives a full-length ID", () => {
  const zero = newId((n) => Buffer.alloc(n));
  assert.is(zero.length, 25);
  // 2^135 in base 36 is "2iu6ovanr3kyc0fsntn9kgle95ns" … its characters [1:26].
  assert.is(zero, (2n ** 135n).toString(36).slice(1, 26));
  const ones = newId((n) => Buffer.alloc(n, 0xff));
  assert.is(ones, (2n ** 136n - 1n).toString(36).slice(1, 26));
});

test("isId rejects what is not an ID", () => {
  for (const s of [
    "",
    "ABCDEFGHIJKLMNOPQRSTUVWXY",
    "0123456789abcdefghijklmn",
    "0123456789abcdefghijklmnop",
    "0123456789abcdefghijklm-o",
  ]) {
    assert.not.ok(isId(s), s);
  }
});

test.run();

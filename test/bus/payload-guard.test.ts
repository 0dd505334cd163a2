import { test } from "uvu";
import * as assert from "uvu/assert";
import { jsonDepthExceeds, parseBoundedJson } from "../../src/bus/payload-guard.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { thrown } from "../support/caught.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const limits = { maxBytes: 1024, maxDepth: 3 };

test("nesting counts arrays and objects, not brackets inside strings or after escaped quotes", () => {
  assert.not.ok(jsonDepthExceeds(utf8('{"a":[{"b":1}]}'), 3), "three levels at a bound of three");
  assert.ok(jsonDepthExceeds(utf8('{"a":[{"b":[]}]}'), 3), "four levels");
  assert.not.ok(jsonDepthExceeds(utf8(JSON.stringify({ a: "[[[[{{{{" })), 3));
  assert.not.ok(jsonDepthExceeds(utf8(JSON.stringify({ a: 'say \\"[[[[" ok' })), 3), "escapes do not end a string");
  assert.not.ok(jsonDepthExceeds(utf8("[1],[2],[3],[4]"), 1), "siblings are not nesting");
});

test("a body over the size bound is ResourceExhausted, one too deep InvalidArgument, before any parsing", () => {
  const big = thrown(() => parseBoundedJson(utf8(`"${"x".repeat(2000)}"`), limits, "a test body"));
  assert.ok(isRpcError(big, "ResourceExhausted"), String(big));
  assert.is((big as Error).message, "a test body is 2002 bytes, more than the 1024 allowed");
  // not JSON at all past the fourth bracket: refused for its depth, never handed to JSON.parse
  const deep = thrown(() => parseBoundedJson(utf8("[[[[ not json"), limits, "a test body"));
  assert.ok(isRpcError(deep, "InvalidArgument"), String(deep));
  assert.is((deep as Error).message, "a test body nests deeper than 3 levels");
  assert.equal(parseBoundedJson(utf8('{"type":"OPEN","a":[[1]]}'), limits, "a test body"), { type: "OPEN", a: [[1]] });
  const bad = thrown(() => parseBoundedJson(utf8("{oops"), limits, "a test body"));
  assert.ok(isRpcError(bad, "InvalidArgument"));
  assert.match((bad as Error).message, /^invalid request payload: /);
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Node__Output } from "../../src/gen/docker/swarmkit/v1/Node.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { findNode } from "../../src/manager/node-lookup.ts";
import { isRpcError } from "../../src/rpc/status.ts";

function node(id: string, hostname: string): Node__Output {
  return {
    ...newNodeObject(id, "WORKER", "ACTIVE"),
    description: { hostname, platform: null, resources: null, engine: null, tls_info: null, fips: false },
  };
}

const nodes = [node("abc111", "alpha"), node("abc222", "beta"), node("def333", "beta"), node("xyz", "abc111x")];

test("by full ID, by hostname, by unique ID prefix", () => {
  assert.is(findNode(nodes, "abc111").id, "abc111");
  assert.is(findNode(nodes, "alpha").id, "abc111");
  assert.is(findNode(nodes, "def").id, "def333");
});

test("no match → NotFound 'node %s not found'", () => {
  try {
    findNode(nodes, "nope");
    assert.unreachable();
  } catch (e) {
    assert.ok(isRpcError(e, "NotFound"));
    assert.is((e as Error).message, "node nope not found");
  }
});

test("several matches → InvalidArgument 'node %s is ambiguous (%d matches found)'", () => {
  for (const [ref, n] of [
    ["abc", 2],
    ["beta", 2],
  ] as const) {
    try {
      findNode(nodes, ref);
      assert.unreachable();
    } catch (e) {
      assert.ok(isRpcError(e, "InvalidArgument"));
      assert.is((e as Error).message, `node ${ref} is ambiguous (${n} matches found)`);
    }
  }
});

test.run();

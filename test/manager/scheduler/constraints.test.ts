import { test } from "uvu";
import * as assert from "uvu/assert";
import { nodeMatches, parseConstraints } from "../../../src/manager/scheduler/index.ts";
import { isRpcError } from "../../../src/rpc/status.ts";
import { node } from "../orchestrator/support/objects.ts";

function parseError(list: string[]): string {
  try {
    parseConstraints(list);
  } catch (e) {
    assert.ok(isRpcError(e, "InvalidArgument"), String(e));
    return (e as Error).message;
  }
  throw new Error(`parsed: ${JSON.stringify(list)}`);
}

test("parse errors carry SwarmKit's texts, as InvalidArgument", () => {
  assert.is(parseError(["node.role"]), "constraint expected one operator from ==, !=");
  assert.is(parseError(["node.role=manager"]), "constraint expected one operator from ==, !=");
  assert.is(parseError(["==manager"]), "key '' is invalid");
  assert.is(parseError(["n ode==x"]), "key 'n ode' is invalid");
  assert.is(parseError(["node.role==man>ager"]), "value 'man>ager' is invalid");
  assert.is(parseError(["node.role=="]), "value '' is invalid");
  // The first bad one is reported.
  assert.is(parseError(["node.role==manager", "x"]), "constraint expected one operator from ==, !=");
});

test("spaces around key and value are trimmed; both operators parse", () => {
  assert.equal(parseConstraints([" node.role == manager ", "node.hostname!=h1"]), [
    { key: "node.role", op: "==", exp: "manager" },
    { key: "node.hostname", op: "!=", exp: "h1" },
  ]);
});

test("matching: id, hostname, role, platform, node and engine labels; values ignore case, label names do not", () => {
  const n = node("abc", {
    hostname: "Worker-1",
    role: "MANAGER",
    labels: { zone: "A" },
    engineLabels: { disk: "ssd" },
    os: "linux",
    arch: "x86_64",
  });
  const ok = (c: string) => nodeMatches(parseConstraints([c]), n);
  assert.ok(ok("node.id==abc"));
  assert.ok(ok("node.hostname==worker-1"));
  assert.ok(ok("node.role==manager"));
  assert.not.ok(ok("node.role!=manager"));
  assert.ok(ok("node.platform.os==linux"));
  assert.ok(ok("node.platform.arch==x86_64"));
  assert.ok(ok("node.labels.zone==a"));
  assert.not.ok(ok("node.labels.Zone==a"), "label names are case sensitive");
  assert.ok(ok("node.labels.missing!=x"), "a missing label is the empty value");
  assert.ok(ok("engine.labels.disk==SSD"));
  assert.not.ok(ok("node.unknown==x"), "an unknown key never matches");
  assert.not.ok(nodeMatches(parseConstraints(["node.role==manager", "node.labels.zone==b"]), n), "all must hold");
});

test.run();

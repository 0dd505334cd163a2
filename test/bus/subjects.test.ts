import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  actor,
  assertToken,
  control,
  controlAll,
  daemon,
  daemonAll,
  events,
  eventsWildcard,
  isToken,
  raft,
  subjectsFor,
} from "../../src/bus/subjects.ts";
import { isRpcError } from "../../src/rpc/status.ts";

function withPrefix<T>(prefix: string | undefined, f: () => T): T {
  const saved = process.env.SWARMBUS_PREFIX;
  if (prefix === undefined) delete process.env.SWARMBUS_PREFIX;
  else process.env.SWARMBUS_PREFIX = prefix;
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env.SWARMBUS_PREFIX;
    else process.env.SWARMBUS_PREFIX = saved;
  }
}

test("the scheme under the default prefix is the one in the architecture", () => {
  withPrefix(undefined, () => {
    assert.is(daemon("m1", "init"), "swarmbus.daemon.m1.init");
    assert.is(daemon("m1", "node.ls"), "swarmbus.daemon.m1.node.ls");
    assert.is(daemonAll("m1"), "swarmbus.daemon.m1.>");
    assert.is(events("m1", "session"), "swarmbus.events.m1.session");
    assert.is(actor("w2", "node"), "swarmbus.actor.w2.node");
    assert.is(control("c0ffee", "ListNodes"), "swarmbus.cluster.c0ffee.control.ListNodes");
    assert.is(controlAll("c0ffee"), "swarmbus.cluster.c0ffee.control.*");
    assert.is(raft("c0ffee", 42n, "node7"), "swarmbus.cluster.c0ffee.raft.42.node7");
  });
});

test("event wildcards cover every actor, one node, one actor everywhere, or one actor", () => {
  withPrefix(undefined, () => {
    assert.is(eventsWildcard(), "swarmbus.events.*.*");
    assert.is(eventsWildcard({ node: "m1" }), "swarmbus.events.m1.*");
    assert.is(eventsWildcard({ actor: "raft" }), "swarmbus.events.*.raft");
    assert.is(eventsWildcard({ node: "m1", actor: "raft" }), "swarmbus.events.m1.raft");
  });
});

test("SWARMBUS_PREFIX moves every subject, so clusters can share a server", () => {
  withPrefix("lab.blue", () => {
    assert.is(daemon("m1", "info"), "lab.blue.daemon.m1.info");
    assert.is(events("m1", "node"), "lab.blue.events.m1.node");
  });
  assert.is(subjectsFor("green").actor("m1", "node"), "green.actor.m1.node");
});

test("a bad prefix is refused with a clear error", () => {
  withPrefix("a..b", () => {
    assert.throws(() => daemon("m1", "info"), /invalid SWARMBUS_PREFIX "a\.\.b"/);
  });
  assert.throws(() => subjectsFor("x.>"), /invalid subject prefix/);
});

test("tokens with '.', '*', '>', whitespace or nothing are refused with InvalidArgument naming them", () => {
  for (const bad of ["", "a.b", "*", "m>", "has space", "tab\t", "new\nline"]) {
    assert.not.ok(isToken(bad), bad);
    let err: unknown;
    try {
      assertToken(bad, "daemon name");
    } catch (e) {
      err = e;
    }
    assert.ok(isRpcError(err, "InvalidArgument"), `not refused: ${JSON.stringify(bad)}`);
    assert.match((err as Error).message, `invalid daemon name ${JSON.stringify(bad)}`);
  }
  for (const good of ["m1", "worker-2", "node_3", "ABC", "x9"]) assert.is(assertToken(good, "daemon name"), good);
});

test("every builder validates its tokens", () => {
  assert.throws(() => daemon("m.1", "init"), /invalid daemon name "m\.1"/);
  assert.throws(() => daemon("m1", "node..ls"), /invalid daemon command/);
  assert.throws(() => daemon("m1", ">"), /invalid daemon command/);
  assert.throws(() => events("m1", "a b"), /invalid actor name/);
  assert.throws(() => eventsWildcard({ node: "*" }), /invalid node name/);
  assert.throws(() => actor("", "node"), /invalid node name ""/);
  assert.throws(() => control("c1", "List.Nodes"), /invalid control method/);
  assert.throws(() => raft("c*", 1, "n"), /invalid cluster ID/);
  assert.throws(() => raft("c", 1, "n.*"), /invalid node ID/);
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { currentState, ellipsis, filterTasks, formatTaskTable } from "../../src/cli/format/task-table.ts";
import { NOW, task } from "./service-fixtures.ts";

const serviceNames = { webid0123456789abcdefghij: "web" };
const nodeNames = { node1aaaaaaaaaaaaaaaaaaaaa: "m1", node2bbbbbbbbbbbbbbbbbbbbb: "w1" };
const ERR = "no suitable node (scheduling constraints not satisfied on 2 nodes)";

const listing = {
  serviceNames,
  nodeNames,
  tasks: [
    task("t2current0000000000000000", {
      slot: 2,
      node: "node2bbbbbbbbbbbbbbbbbbbbb",
      state: "running",
      created: 10,
      since: 8,
    }),
    task("t1old000000000000000000aa", {
      slot: 1,
      node: "node1aaaaaaaaaaaaaaaaaaaaa",
      state: "failed",
      desired: "shutdown",
      err: "task: non-zero exit (1)",
      created: 100,
      since: 75,
    }),
    task("t1current0000000000000000", {
      slot: 1,
      node: "node1aaaaaaaaaaaaaaaaaaaaa",
      state: "running",
      created: 70,
      since: 65,
    }),
    task("t10pending000000000000000", { slot: 10, state: "pending", err: ERR, created: 3, since: 3 }),
  ],
};

test("service ps: docker's columns; each slot's newest task first, its history under it as ` \\_ `", () => {
  assert.is(
    formatTaskTable(listing, { trunc: true, quiet: false, now: NOW }),
    [
      "ID             NAME        IMAGE     NODE      DESIRED STATE   CURRENT STATE                ERROR                              PORTS",
      "t1current000   web.1       sleep     m1        Running         Running about a minute ago",
      't1old0000000    \\_ web.1   sleep     m1        Shutdown        Failed about a minute ago    "task: non-zero exit (1)"',
      "t2current000   web.2       sleep     w1        Running         Running 8 seconds ago",
      't10pending00   web.10      sleep               Running         Pending 3 seconds ago        "no suitable node (scheduling …"',
    ].join("\n"),
  );
});

test("service ps --no-trunc: full IDs and the whole error", () => {
  const out = formatTaskTable(listing, { trunc: false, quiet: false, now: NOW });
  assert.ok(out.includes("t10pending000000000000000"));
  assert.ok(out.includes(`"${ERR}"`));
});

test("service ps -q: the full task IDs in the table's order", () => {
  assert.is(
    formatTaskTable(listing, { trunc: false, quiet: true, now: NOW }),
    "t1current0000000000000000\nt1old000000000000000000aa\nt2current0000000000000000\nt10pending000000000000000",
  );
});

test("global tasks are named <service>.<node ID>", () => {
  const out = formatTaskTable(
    { serviceNames, nodeNames, tasks: [task("g1", { node: "node1aaaaaaaaaaaaaaaaaaaaa", state: "running" })] },
    { trunc: true, quiet: false, now: NOW },
  );
  assert.ok(out.split("\n")[1]?.includes("web.node1aaaaaaaaaaaaaaaaaaaaa"));
});

test("-f desired-state=running keeps the tasks meant to run", () => {
  const kept = filterTasks(listing, { desiredState: ["running"], id: [], node: [] });
  assert.equal(
    kept.map((t) => t.ID),
    ["t2current0000000000000000", "t1current0000000000000000", "t10pending000000000000000"],
  );
  assert.equal(
    filterTasks(listing, { desiredState: [], id: [], node: ["w1"] }).map((t) => t.ID),
    ["t2current0000000000000000"],
  );
});

test("CURRENT STATE and the error cut: go-units durations lower-cased, 30 characters with …", () => {
  assert.is(currentState(task("x", { state: "new", since: 0 }), NOW), "New less than a second ago");
  assert.is(currentState(task("x", { state: "running", since: 7200 }), NOW), "Running 2 hours ago");
  assert.is(ellipsis(ERR, 30), "no suitable node (scheduling …");
  assert.is([...ellipsis(ERR, 30)].length, 30);
  assert.is(ellipsis("short", 30), "short");
});

test.run();

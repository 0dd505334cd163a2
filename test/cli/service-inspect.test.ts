import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatRows, parseRowFormat } from "../../src/cli/format/row-format.ts";
import { formatServicePretty, goDurationString } from "../../src/cli/format/service-inspect-pretty.ts";
import { SERVICE_LS_COLUMNS, serviceLsContext } from "../../src/cli/format/service-ls.ts";
import { serviceSpecFromFlags } from "../../src/cli/service-spec.ts";
import { NOW, service } from "./service-fixtures.ts";

test("service inspect --pretty: docker's template for a process service, tabs as docker writes them", () => {
  const s = service({ name: "web" });
  s.Spec = serviceSpecFromFlags({
    image: "sleep",
    args: ["60"],
    name: "web",
    replicas: 2,
    env: ["A=1"],
    constraint: ["node.role==worker"],
    placementPref: [],
    label: ["tier=front"],
    containerLabel: [],
    limitCpu: 500_000_000,
    reserveMemory: 64 * 1024 ** 2,
    updateMonitor: 500_000_000,
  });
  assert.is(
    formatServicePretty(s, NOW),
    [
      "",
      `ID:\t\t${s.ID}`,
      "Name:\t\tweb",
      "Labels:",
      " tier=front",
      "Service Mode:\tReplicated",
      " Replicas:\t2",
      "Placement:",
      " Constraints:\t[node.role==worker]",
      "UpdateConfig:",
      " Parallelism:\t1",
      " On failure:\tpause",
      " Monitoring Period: 500ms",
      " Max failure ratio: 0",
      " Update order:      stop-first",
      "ContainerSpec:",
      " Image:\t\tsleep",
      " Args:\t\t60 ",
      " Env:\t\tA=1 ",
      "Resources:",
      " Reservations:",
      "  Memory:\t64MiB",
      " Limits:",
      "  CPU:\t\t0.5",
      "Endpoint Mode:\t",
      "",
    ].join("\n"),
  );
});

test("service inspect --pretty names each pending task with the scheduler's whole explanation, under the mode", () => {
  const why = "no suitable node (scheduling constraints not satisfied on 3 nodes)";
  const s = service({
    name: "picky",
    replicas: 12,
    PendingTasks: Array.from({ length: 12 }, (_, i) => ({ ID: `t${i}`, Slot: i + 1, Err: why })),
  });
  const lines = formatServicePretty(s, NOW).split("\n");
  const at = lines.indexOf(" Replicas:\t12");
  assert.equal(lines.slice(at + 1, at + 4), ["Pending Tasks:\t12", ` picky.1:\t${why}`, ` picky.2:\t${why}`]);
  assert.is(lines[at + 11], ` picky.10:\t${why}`);
  assert.is(lines[at + 12], " …and 2 more");
  assert.is(lines[at + 13], "Placement:");
  const global = service({ name: "agent", global: true, PendingTasks: [{ ID: "t1", NodeID: "node1", Err: why }] });
  assert.ok(
    formatServicePretty(global, NOW).includes(`Service Mode:\tGlobal\nPending Tasks:\t1\n agent.node1:\t${why}\n`),
  );
  assert.not.ok(formatServicePretty(service({ name: "fine" }), NOW).includes("Pending"));
});

test("Go's Duration.String for the durations docker prints", () => {
  assert.is(goDurationString(5e9), "5s");
  assert.is(goDurationString(90e9), "1m30s");
  assert.is(goDurationString(3600e9), "1h0m0s");
  assert.is(goDurationString(1.5e9), "1.5s");
  assert.is(goDurationString(0), "0s");
});

test("service ls --format: docker's fields, `table` adds the header row", () => {
  const s = service({
    name: "web",
    replicas: 2,
    ServiceStatus: { RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 0 },
  });
  const rows = [serviceLsContext(s)];
  assert.is(formatRows(parseRowFormat("{{.Name}}: {{.Replicas}}"), rows, SERVICE_LS_COLUMNS), "web: 1/2\n");
  assert.is(
    formatRows(parseRowFormat("table {{.Name}}\t{{.Mode}}"), rows, SERVICE_LS_COLUMNS),
    "NAME      MODE\nweb       replicated\n",
  );
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { GoTemplate, TemplateError } from "../../src/cli/format/go-template/index.ts";
import { NODE_LS_COLUMNS } from "../../src/cli/format/node-ls-context.ts";
import { bytesSize, prettyTime } from "../../src/cli/format/pretty-print.ts";
import { formatRows, parseRowFormat } from "../../src/cli/format/row-format.ts";

/*
 * The --format templates docker users type, run as Go's text/template with
 * docker's functions would run them. The commands' own output on a real swarm
 * is in test/e2e/node-commands.test.ts; these cover the language.
 */

const node = {
  ID: "x1",
  Spec: { Role: "manager", Labels: { zone: "b", disk: "" } },
  Status: { State: "ready", Addr: "10.0.0.1" },
  Description: { Hostname: "m1", Engine: { Plugins: [{ Type: "Network", Name: "overlay" }] } },
  ManagerStatus: null,
  Ports: [2377, 7946],
};
const run = (t: string, data: unknown = node) => new GoTemplate(t).execute(data);

function refused(t: string, message: string): void {
  try {
    new GoTemplate(t);
  } catch (e) {
    assert.instance(e, TemplateError);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`${t} should not parse`);
}

function failsAt(t: string, message: string): void {
  try {
    run(t);
  } catch (e) {
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`${t} should fail`);
}

test("field paths, json and docker's string functions", () => {
  assert.is(run("{{.ID}} {{.Status.State}}"), "x1 ready");
  assert.is(run("{{json .Status}}"), '{"State":"ready","Addr":"10.0.0.1"}');
  assert.is(run("{{upper .ID}} {{title .Spec.Role}} {{lower `AB`}}"), "X1 Manager ab");
  assert.is(run('{{join (split "a,b,c" ",") "-"}} {{pad .ID 1 2}}| {{truncate .Status.State 3}}'), "a-b-c  x1  | rea");
  assert.is(run("{{index .Spec.Labels `zone`}} {{index .Ports 1}} {{len .Ports}}"), "b 7946 2");
});

test("values print as Go's fmt prints them", () => {
  assert.is(run("{{.Ports}} {{.Status}} {{.Spec.Labels}}"), "[2377 7946] {ready 10.0.0.1} map[disk: zone:b]");
  assert.is(run("{{.ManagerStatus}} {{.Nope}} {{true}} {{1.5}}"), "<nil> <no value> true 1.5");
});

test("if / else if / else, with, range over lists and maps, variables", () => {
  assert.is(run("{{if .ManagerStatus}}m{{else if eq .Spec.Role `manager`}}wanted{{else}}w{{end}}"), "wanted");
  assert.is(run("{{with .Status}}{{.Addr}}{{else}}none{{end}}"), "10.0.0.1");
  assert.is(run("{{range $k, $v := .Spec.Labels}}{{$k}}{{if $v}}={{$v}}{{end}};{{end}}"), "disk;zone=b;");
  assert.is(run("{{range $i, $p := .Ports}}{{$i}}:{{$p}} {{end}}"), "0:2377 1:7946 ");
  assert.is(run("{{range .Nope}}x{{else}}empty{{end}}"), "empty");
  assert.is(run("{{$id := .ID}}{{range .Ports}}{{$id}}/{{.}} {{end}}{{$.ID}}"), "x1/2377 x1/7946 x1");
  assert.is(
    run("{{and .ID .Nope}}|{{or .Nope .ID}}|{{not .ID}}|{{ne 1 2}}|{{lt 1 2}}|{{ge 2 2}}"),
    "<no value>|x1|false|true|true|true",
  );
});

test("printf, pipelines, comments and trim markers", () => {
  assert.is(run('{{printf "%-4s|%3d|%q|%v|%05d" .ID 7 .ID .Ports 42}}'), 'x1  |  7|"x1"|[2377 7946]|00042');
  assert.is(run('{{.ID | printf "<%s>"}} {{.Status.State | upper | printf "%s!"}}'), "<x1> READY!");
  assert.is(run("a {{- /* gone */ -}} b\n  {{- .ID }}\n"), "abx1\n");
});

test("a template Go refuses to parse is a TemplateError worded as Go's", () => {
  refused("{{.ID", "template: :1: unclosed action");
  refused("{{nosuch .ID}}", 'template: :1: function "nosuch" not defined');
  refused("{{if .ID}}x", "template: :1: unexpected EOF");
  refused("{{end}}", "template: :1: unexpected {{end}}");
  refused("x\n{{$v}}", 'template: :2: undefined variable "$v"');
  refused("{{define `x`}}{{end}}", "template: :1: {{define}} is not supported by swarmbus's template subset");
});

test("executing a field of nothing or of a string fails as Go's does", () => {
  failsAt(
    "{{.ManagerStatus.Leader}}",
    'template: :1:2: executing "" at <.ManagerStatus.Leader>: nil pointer evaluating interface {}.Leader',
  );
  failsAt("ab\n {{.ID.X}}", 'template: :2:3: executing "" at <.ID.X>: can\'t evaluate field X in type string');
  failsAt("{{index .Ports 5}}", 'template: :1:2: executing "" at <index>: error calling index: index out of range: 5');
});

test("a table format: header row from the column names, columns aligned as docker's tabwriter", () => {
  const rows = [
    { ID: "abcdefghijkl", Hostname: "m1", Status: "Ready" },
    { ID: "b", Hostname: "worker-1", Status: "Down" },
  ];
  const f = parseRowFormat("table {{.ID}}\\t{{.Hostname | upper}}\\t{{.Status}}");
  assert.is(
    formatRows(f, rows, NODE_LS_COLUMNS),
    "ID             HOSTNAME   STATUS\nabcdefghijkl   M1         Ready\nb              WORKER-1   Down\n",
  );
  assert.is(formatRows(parseRowFormat("{{.Hostname}}"), rows, NODE_LS_COLUMNS), "m1\nworker-1\n");
  assert.throws(
    () => parseRowFormat("{{.ID"),
    (e: Error) => e.message === "template parsing error: template: :1: unclosed action",
  );
});

test("pretty values: Go's time in PrettyPrint's case, go-units' binary sizes", () => {
  assert.is(prettyTime("2026-12-02T01:02:03.120000000Z"), "2026-12-02 01:02:03.12 +0000 utc");
  assert.is(prettyTime("2026-12-02T01:02:03Z"), "2026-12-02 01:02:03 +0000 utc");
  assert.is(bytesSize(20 * 1024 * 1024), "20MiB");
  assert.is(bytesSize(2_096_980_000), "1.953GiB");
});

test.run();

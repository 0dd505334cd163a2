import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRpcError } from "../../src/rpc/status.ts";
import { parseScenario } from "../../src/scenario/schema.ts";
import { thrown } from "../support/caught.ts";

/** A bad scenario file is refused before anything starts, with InvalidArgument naming the step and the field. */
const head = "name: t\nnodes: [m1, w1]\nsteps:\n";

function refusal(text: string): string {
  const e = thrown(() => parseScenario(text, "bad.yaml"), "the file was accepted");
  assert.ok(isRpcError(e, "InvalidArgument"), String(e));
  return e.message;
}

test("a field of the wrong type: the step number, its verb and the field", () => {
  const m = refusal(`${head}  - start: m1\n  - run: node ls\n    exit: zero\n`);
  assert.match(m, /^scenario bad\.yaml: step 2 \(run\): exit: /);
});

test("an unknown field is named (a typo is not ignored)", () => {
  assert.match(refusal(`${head}  - run: node ls\n    stdot: x\n`), /step 1 \(run\): .*stdot/);
});

test("a node that the scenario does not declare", () => {
  assert.match(
    refusal(`${head}  - kill: w9\n`),
    /step 1 \(kill\): kill: unknown node "w9" \(the scenario's nodes: m1, w1\)$/,
  );
  assert.match(refusal(`${head}  - join: w1\n    via: m2\n`), /step 1 \(join\): via: unknown node "m2"/);
});

test("a step with no verb, or two", () => {
  assert.match(refusal(`${head}  - timeout: 1s\n`), /step 1: no step verb \(one of start, stop, kill/);
  assert.match(refusal(`${head}  - start: m1\n    kill: m1\n`), /step 1: more than one verb \(start, kill\)/);
});

test("a bad duration, a bad regex, a bad placeholder, an unknown daemon verb", () => {
  assert.match(refusal(`${head}  - start: m1\n    timeout: soon\n`), /step 1 \(start\): timeout: expected a duration/);
  assert.match(
    refusal(`${head}  - run: info\n    stdout: "a("\n`),
    /step 1 \(run\): stdout: Invalid regular expression/,
  );
  assert.match(
    refusal(`${head}  - wait: {node: m1, actor: "liveness-\${w2.id}", state: ready}\n`),
    /step 1 \(wait\): wait\.actor: unknown placeholder \$\{w2\.id\}/,
  );
  assert.match(refusal(`${head}  - call: node.nuke\n    on: m1\n`), /step 1 \(call\): call: /);
  assert.match(
    refusal(`${head}  - call: node.rm\n    on: m1\n    args: {refs: []}\n`),
    /step 1 \(call\): args\.refs: /,
  );
});

test("the top level: YAML syntax, missing steps, duplicate nodes", () => {
  assert.match(refusal("name: [\n"), /^scenario bad\.yaml: not valid YAML: /);
  assert.match(refusal("name: t\nnodes: [m1]\n"), /steps: /);
  assert.match(refusal("name: t\nnodes: [m1, m1]\nsteps: [{start: m1}]\n"), /nodes: node names must be unique/);
});

test("a good file: defaults filled in (fast profile, 30 s per step, worker joins)", () => {
  const s = parseScenario(
    `${head}  - start: [m1, w1]\n  - join: w1\n    via: m1\n  - wait: {actor: raft, state: /^lead/}\n    timeout: 500ms\n`,
    "good.yaml",
  );
  assert.is(s.profile, "fast");
  assert.equal(s.steps[0], { index: 1, timeoutMs: 30_000, kind: "start", nodes: ["m1", "w1"] });
  assert.equal(s.steps[1], {
    index: 2,
    timeoutMs: 30_000,
    until: false,
    kind: "join",
    node: "w1",
    via: "m1",
    role: "worker",
  });
  assert.equal(s.steps[2], { index: 3, timeoutMs: 500, kind: "wait", actor: "raft", state: "/^lead/" });
});

test.run();

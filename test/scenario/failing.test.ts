import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useTempDir } from "../support/temp-dir.ts";
import { runScenarioCli, tail } from "./support/scenario-cli.ts";

/**
 * A failed step: exit code 1, and a report naming the step (number and text),
 * what was expected and what was seen; the steps after it do not run.
 */
const dir = useTempDir(test, "swarmbus-scenario-test-");

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test("a wait for a state that never comes: the step, the expected state, the actor's last state", async () => {
  const r = await runScenarioCli(
    file(
      "wait.yaml",
      `name: never a leader
nodes: [m1]
steps:
  - start: m1
  - wait: {node: m1, actor: clusterState, state: active}
    timeout: 1s
  - init: m1
`,
    ),
  );
  assert.is(r.code, 1, tail(r));
  const report = r.stdout.slice(r.stdout.indexOf("FAILED"));
  assert.match(report, /^FAILED {2}never a leader: step 2 of 3: wait m1 clusterState = active\n/, tail(r));
  assert.match(report, /\n {2}expected: m1 clusterState in state "active" within 1s\n/);
  assert.match(
    report,
    /\n {2}seen: {5}m1 clusterState is "inactive" \(since \+[\d.]+s, after xstate\.init\) \(timed out after 1s\)/,
  );
  assert.not.match(r.stdout, /── step 3/, "the steps after the failed one do not run");
});

test("a command whose output does not match: the regex expected, the exit code and output seen", async () => {
  const r = await runScenarioCli(
    file(
      "run.yaml",
      `name: wrong output
nodes: [m1]
steps:
  - start: m1
  - run: info
    on: m1
    stdout: 'Swarm: active'
`,
    ),
  );
  assert.is(r.code, 1, tail(r));
  const report = r.stdout.slice(r.stdout.indexOf("FAILED"));
  assert.match(report, /^FAILED {2}wrong output: step 2 of 2: run swarmbus --node m1 info\n/, tail(r));
  assert.match(report, /\n {2}expected: stdout matching \/Swarm: active\/\n/);
  assert.match(report, /\n {2}seen: {5}exit code 0, stdout:\n {6}\| {2}Swarm: inactive\n {4}stderr empty/);
});

test("an API step that succeeds where an error was expected", async () => {
  const r = await runScenarioCli(
    file(
      "expect.yaml",
      `name: init works
nodes: [m1]
steps:
  - start: m1
  - init: m1
    expect: {error: 'already part of a swarm'}
`,
    ),
  );
  assert.is(r.code, 1, tail(r));
  assert.match(
    r.stdout,
    /\n {2}expected: an error matching \/already part of a swarm\/\n {2}seen: {5}success: Swarm initialized: current node \([0-9a-z]{25}\) is now a manager\./,
  );
});

test("a bad file: nothing starts, InvalidArgument printed as the CLI prints errors", async () => {
  const r = await runScenarioCli(file("bad.yaml", "name: x\nnodes: [m1]\nsteps:\n  - kill: m2\n"));
  assert.is(r.code, 1);
  assert.is(r.stdout, "");
  assert.match(
    r.stderr,
    /^Error response from daemon: rpc error: code = InvalidArgument desc = scenario .*bad\.yaml: step 1 \(kill\): kill: /,
  );
});

test.run();

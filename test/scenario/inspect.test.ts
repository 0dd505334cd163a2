import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type InspectorRelay, startInspectorRelay } from "../../src/inspect/stately/relay.ts";
import { freePort } from "../../src/net/free-port.ts";
import { viewer } from "../support/stately-viewer.ts";
import { useTempDir } from "../support/temp-dir.ts";
import { runScenarioCli, tail } from "./support/scenario-cli.ts";

const dir = useTempDir(test, "swarmbus-scn-");
let relay: InspectorRelay;
test.before(async () => {
  relay = await startInspectorRelay({ port: await freePort() });
});
test.after(async () => {
  await relay.stop();
});

test("scenario run --inspect URL: every daemon of the scenario streams its actors to that relay", async () => {
  const file = join(dir, "inspect.yaml");
  writeFileSync(
    file,
    [
      "name: inspected",
      "nodes: [m1, w1]",
      "steps:",
      "  - start: [m1, w1]",
      "  - init: m1",
      "  - wait: { node: m1, actor: raft, state: leader }",
      "  - join: w1",
      "    via: m1",
      "  - wait: { node: w1, actor: session, state: /^connecting\\.registered/ }",
      "",
    ].join("\n"),
  );
  const v = await viewer(`ws://127.0.0.1:${relay.port}/`);
  try {
    const r = await runScenarioCli(file, ["--inspect", relay.url]);
    assert.is(r.code, 0, tail(r));
    await v.waitFor((e) => e.name === "m1/raft", "m1's raft actor on the relay");
    await v.waitFor(
      (e) => e.type === "@xstate.snapshot" && e.sessionId.startsWith("w1/") && e.snapshot?.value !== undefined,
      "a snapshot of one of w1's actors",
    );
  } finally {
    await v.close();
  }
});

test("scenario run --inspect with a URL that is not ws:// is refused before anything starts", async () => {
  const r = await runScenarioCli(join(tmpdir(), "never-read.yaml"), ["--inspect", "http://127.0.0.1:1"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /InvalidArgument/);
});

test.run();

import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runScenarioCli, scenariosDir, tail } from "./support/scenario-cli.ts";

test("scenarios/service-create-scale.yaml passes on a fresh local swarm", async () => {
  const r = await runScenarioCli(join(scenariosDir, "service-create-scale.yaml"));
  assert.is(r.code, 0, tail(r));
  assert.match(r.stdout, /^PASSED {2}/m);
});

test.run();

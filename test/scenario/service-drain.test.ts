import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runScenarioCli, scenariosDir, tail } from "./support/scenario-cli.ts";

test("scenarios/service-drain.yaml passes on a fresh local swarm", async () => {
  const r = await runScenarioCli(join(scenariosDir, "service-drain.yaml"));
  assert.is(r.code, 0, tail(r));
  assert.match(r.stdout, /^PASSED {2}/m);
});

test.run();

import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkHistory } from "./checker.ts";
import { registerModel } from "./model.ts";
import { buildHistory, corruptions, opSpec } from "./random-history.ts";
import { formatTimeline } from "./timeline.ts";

const model = registerModel(null);
const specs = fc.array(opSpec, { minLength: 1, maxLength: 60 });

test("every history of a sequential register with random overlapping intervals passes", () => {
  fc.assert(
    fc.property(specs, (s) => {
      const h = buildHistory(s);
      const r = checkHistory(h, model);
      if (r.result !== "ok") throw new Error(formatTimeline(h, r));
    }),
    { numRuns: 300 },
  );
});

test("the same histories with one read corrupted (a value never written, or a stale one) fail on that read's key", () => {
  let stale = 0;
  let never = 0;
  fc.assert(
    fc.property(fc.array(opSpec, { minLength: 20, maxLength: 60 }), (s) => {
      const h = buildHistory(s);
      for (const c of corruptions(h)) {
        const r = checkHistory(c.history, model);
        const key = h.ops.find((o) => o.id === c.readId)?.key;
        assert.is(r.result, "violation", c.what);
        assert.ok(
          r.keys.some((k) => k.key === key && k.result === "violation"),
          `${c.what}: the violation is on ${key}`,
        );
        if (c.what.includes("overwritten")) stale++;
        else never++;
      }
    }),
    { numRuns: 200 },
  );
  assert.ok(
    stale >= 500 && never >= 1000,
    `only ${stale} stale and ${never} unwritten reads: the generator no longer makes them`,
  );
});

test("a violation at the end of a long history with hundreds of unknown writes is found within a small budget", () => {
  // Every unknown write stays pending to the end; kept all, they multiply the orders to try
  // (this took 5 million steps and 50 s to say "unknown"). The register drops those nobody read.
  const h = buildHistory(fc.sample(opSpec, { numRuns: 5000, seed: 42 }));
  assert.ok(h.ops.filter((o) => o.outcome === "unknown" && o.kind === "write").length > 200);
  const lastRead = h.ops.filter((o) => o.kind === "read" && o.outcome === "ok").at(-1);
  const broken = { ops: h.ops.map((o) => (o === lastRead ? { ...o, value: "never-written" } : o)) };
  assert.is(checkHistory(h, model, { maxSteps: 100_000 }).result, "ok");
  const r = checkHistory(broken, model, { maxSteps: 100_000 });
  assert.is(r.result, "violation");
  assert.is(r.keys.find((k) => k.result === "violation")?.key, lastRead?.key);
});

test.run();

import { suite, test } from "uvu";
import * as assert from "uvu/assert";
import { onTeardown } from "./fixture.ts";

test("teardowns run last-registered first, every one even when one fails, and the first failure is rethrown", async () => {
  const ran: string[] = [];
  const s = suite("teardowns");
  let after: (() => Promise<void>) | undefined;
  // Catch the one after hook onTeardown registers on the suite, to run it here.
  s.after = ((hook: () => Promise<void>) => {
    after = hook;
  }) as typeof s.after;
  onTeardown(s, () => ran.push("server"));
  onTeardown(s, () => {
    ran.push("connection");
    throw new Error("connection close failed");
  });
  onTeardown(s, () => ran.push("subscription"));
  assert.ok(after, "onTeardown registers an after hook");
  const e = await after().then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.equal(ran, ["subscription", "connection", "server"]);
  assert.instance(e, Error);
  assert.is((e as Error).message, "connection close failed");
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRpcError } from "../../../src/rpc/status.ts";
import { waitFor } from "../../support/wait-for.ts";
import { settledWithin } from "../support/settled-within.ts";
import { BusCluster, outcome } from "./support/bus-cluster.ts";

let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
});
test.after(async () => {
  await c.stop();
});

const LOST_QUORUM =
  "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

test("no leader for longer than the lost-quorum timeout: Unknown with Swarm's message, at once", async () => {
  c.elect(undefined);
  for (const m of c.managers) m.view.quorumLost = true;
  // The caller would wait a minute: only an immediate answer passes the bound.
  const call = outcome(c.controlClient(60_000).listNodes());
  const r = await settledWithin(call, 5000, "the lost-quorum answer");
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.ok(isRpcError(r.err, "Unknown"), String(r.err));
    assert.is(r.err.message, LOST_QUORUM);
    assert.is(
      (r.err as { dockerText?: string }).dockerText,
      `Error response from daemon: rpc error: code = Unknown desc = ${LOST_QUORUM}`,
    );
  }
});

test('no leader yet (election under way): DeadlineExceeded "context deadline exceeded" at the caller\'s deadline', async () => {
  c.elect(undefined);
  const r = await outcome(c.controlClient(300).listNodes());
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.ok(isRpcError(r.err, "DeadlineExceeded"), String(r.err));
    assert.is(r.err.message, "context deadline exceeded");
  }
  for (const m of c.managers) assert.equal(m.calls, []);
});

test("a leader elected while the call waits: the call is served by it", async () => {
  c.elect(undefined);
  for (const m of c.managers) m.view.reads = 0;
  const call = outcome(c.controlClient(5000).joinTokens());
  await waitFor(() => c.managers.some((m) => m.view.reads >= 3), {
    timeoutMs: 5000,
    what: "a manager to poll for a leader",
  });
  c.elect("2");
  const r = await call;
  assert.ok(r.ok, r.ok ? "" : String(r.err));
  assert.equal(c.manager("2").calls, ["joinTokens"]);
});

test.run();

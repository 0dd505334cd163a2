import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import { RenewalSchedule, randomRenewalDelayMs } from "../../src/node/runtime/renewal-schedule.ts";

/**
 * When a node renews its certificate, as SwarmKit's TLSRenewer decides it: at a
 * random point between 50 % and 80 % of the validity (NotBefore, backdated 1 h,
 * to NotAfter), at once when that point has passed, with backoff after failures.
 */
const H = 3_600_000;
const MIN = 60_000;
const issued = Date.UTC(2026, 0, 1);
/** A certificate as the swarm CA signs it at `at` for `expiryMs`: NotBefore backdated 1 h. */
const cert = (expiryMs: number, at = issued) => ({ notBefore: new Date(at - H), notAfter: new Date(at + expiryMs) });
const swarm = profiles.swarm;
const fixed = (r: number) => () => r;

test("a 2160 h certificate renews between 50 % and 80 % of its 2161 h validity, whatever the draw", () => {
  const c = cert(2160 * H);
  const validity = 2161 * H;
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
      const at = issued + randomRenewalDelayMs(c, issued, fixed(r));
      const fraction = (at - c.notBefore.getTime()) / validity;
      return fraction >= 0.5 && fraction < 0.8;
    }),
  );
  assert.is(randomRenewalDelayMs(c, issued, fixed(0)), 0.5 * validity - H, "the first point: half the validity");
  assert.is(randomRenewalDelayMs(c, issued, fixed(0.9999999)), 103_727 * MIN - H, "the last whole minute before 80 %");
});

test("a 1 h certificate (2 h valid with the backdate) renews between its issue and 36 minutes after", () => {
  assert.is(randomRenewalDelayMs(cert(H), issued, fixed(0)), 0);
  assert.is(randomRenewalDelayMs(cert(H), issued, fixed(0.5)), 18 * MIN);
  assert.is(randomRenewalDelayMs(cert(H), issued, fixed(0.9999999)), 35 * MIN);
});

test("a node restarted after its renewal point renews at once; inside the window it waits for its draw", () => {
  const c = cert(2160 * H);
  const late = c.notBefore.getTime() + 0.85 * 2161 * H;
  assert.is(new RenewalSchedule(swarm, fixed(0.3)).next(c, late).ms, 0, "past 80 %: at once");
  const inside = c.notBefore.getTime() + 0.6 * 2161 * H;
  assert.is(randomRenewalDelayMs(c, inside, fixed(0)), 0, "a point drawn before now: at once");
  assert.ok(randomRenewalDelayMs(c, inside, fixed(0.9)) > 0, "a point drawn after now: waits for it");
});

test("failures back off from 5 s towards 1 h (go-events: uniform below base + factor·2^(n-1)); a success goes back to the window", () => {
  const c = cert(2160 * H);
  const s = new RenewalSchedule(swarm, fixed(0.9999999));
  const bounds: number[] = [];
  for (let n = 1; n <= 12; n++) {
    s.failed();
    const w = s.next(c, issued);
    assert.is(w.reason, "backoff");
    bounds.push(Math.ceil(w.ms / 1000));
  }
  assert.equal(bounds, [10, 15, 25, 45, 85, 165, 325, 645, 1285, 2565, 3600, 3600]);
  const low = new RenewalSchedule(swarm, fixed(0));
  low.failed();
  assert.is(low.next(c, issued).ms, 0, "the draw is uniform from 0");
  s.succeeded();
  assert.equal(s.next(c, issued), { ms: 103_727 * MIN - H, reason: "window" });
});

test("an expired certificate or a forced renewal is tried at once, then with backoff", () => {
  const s = new RenewalSchedule(swarm, fixed(0.5));
  const expired = cert(H, issued - 3 * H);
  assert.equal(s.next(expired, issued), { ms: 0, reason: "backoff" });
  s.failed();
  assert.equal(s.next(expired, issued), { ms: 5000, reason: "backoff" });
  const forced = new RenewalSchedule(swarm, fixed(0.5));
  forced.force();
  assert.equal(forced.next(cert(2160 * H), issued), { ms: 0, reason: "backoff" });
  forced.cancelForced();
  assert.is(forced.next(cert(2160 * H), issued).reason, "window");
});

test("an unreadable certificate is looked at again after 5 minutes", () => {
  assert.equal(new RenewalSchedule(swarm).next(null, issued), { ms: 5 * MIN, reason: "unreadable" });
});

test("the fast profile compresses the wait until the window, never the certificate or the backoff", () => {
  const fast = profiles.fast;
  const s = new RenewalSchedule(fast, fixed(0));
  const c = cert(2 * H);
  assert.equal(s.next(c, issued), { ms: (90 * MIN - H) / fast.certRenewalWaitDivisor, reason: "window" });
  assert.is(
    (90 * MIN - H) / fast.certRenewalWaitDivisor,
    5000,
    "a 2 h certificate: 5 s after its issue at the earliest",
  );
  s.failed();
  assert.is(s.next(c, issued).ms, 0);
});

test.run();

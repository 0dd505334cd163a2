import { type BrowserContext, chromium, type Page } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import { type Dashboard, startDashboard } from "../../src/inspect/dashboard/index.ts";
import { freePort } from "../../src/net/free-port.ts";
import { onTeardown } from "../support/fixture.ts";
import { useSwarm } from "../support/swarm.ts";
import { useTempDir } from "../support/temp-dir.ts";

/** The manager marks a silent node down after the grace period (period × 3, plus epsilon); the rest is margin for a busy machine. */
const fast = profiles.fast;
const DOWN_BOUND_MS = fast.heartbeatPeriodMs * fast.gracePeriodMultiplier + fast.heartbeatEpsilonMs + 13_000;

const swarm = useSwarm(test);
const profileDir = useTempDir(test, "swarmbus-chromium-");
let dashboard: Dashboard;
let browser: BrowserContext;
let page: Page;
const warnings: string[] = [];
const pageErrors: string[] = [];

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.daemon("w1");
  const join = await swarm.cli("w1", "swarm", "join", "--token", token, addr);
  assert.is(join.code, 0, join.stderr);
  // Started after the swarm: what it shows of m1's raft actor comes from the daemons' `actors` answers.
  const nc = await swarm.nats.connect("dashboard-browser-test");
  dashboard = await startDashboard({ nc, port: 0, warn: (m) => warnings.push(m) });
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("pageerror", (e) => pageErrors.push(e.message));
});
onTeardown(test, async () => {
  await browser?.close();
  await dashboard?.close();
});

test("the page shows a killed worker turn Down within the grace bound, and m1's raft actor as leader", async () => {
  await page.goto(dashboard.url);
  const w1 = page.locator('[data-node-row="w1"]');
  await page.waitForSelector('[data-node-row="w1"][data-status="Ready"]', { timeout: 20_000 });
  assert.is(await w1.getAttribute("data-role"), "worker");
  assert.is(await w1.getAttribute("data-availability"), "Active");
  assert.is(await page.locator('[data-node-row="m1"]').getAttribute("data-manager-status"), "Leader");

  // m1's raft statechart, with its active state highlighted: leader; the header names it.
  await page.waitForSelector('[data-chart="m1/raft"] [data-state="leader"][data-active="true"]', { timeout: 10_000 });
  assert.is(await page.locator('[data-chart="m1/raft"] [data-state="follower"]').getAttribute("data-active"), "false");
  assert.is(await page.locator("#raft-leader").textContent(), "m1");
  assert.match((await page.locator("#raft-term").textContent()) ?? "", /^\d+$/);
  // Parallel regions: several states of w1's node machine are active at once.
  await page.waitForSelector('[data-chart="w1/node"] [data-state="running.agent.ready"][data-active="true"]', {
    timeout: 10_000,
  });
  assert.is(
    (await page.locator('[data-chart="w1/node"] [data-state^="running."][data-active="true"]').count()) >= 6,
    true,
    "agent, manager, readiness and one state in each",
  );

  const w1Id = await w1.getAttribute("data-node-id");
  assert.match(w1Id ?? "", /^[0-9a-z]{25}$/);
  const d = swarm.daemons.get("w1")!;
  const killedAt = Date.now();
  d.kill("SIGKILL");
  await d.exited;
  await page.waitForSelector('[data-node-row="w1"][data-status="Down"]', { timeout: DOWN_BOUND_MS });
  const downAfterMs = Date.now() - killedAt;
  process.stdout.write(`  w1 Down on the page ${downAfterMs} ms after SIGKILL (bound ${DOWN_BOUND_MS} ms)\n`);
  // The manager's liveness actor for w1 shows why.
  await page.waitForSelector(`[data-chart="m1/liveness-${w1Id}"] [data-state="down"][data-active="true"]`, {
    timeout: 5_000,
  });
  assert.match((await page.locator("#timeline").textContent()) ?? "", /ready → down/);
  assert.equal(pageErrors, []);
});

test.run();

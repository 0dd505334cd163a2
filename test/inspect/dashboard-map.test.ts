import { readFileSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ActorTransition } from "../../src/bus/events.ts";
import { machineLayouts } from "../../src/inspect/dashboard/index.ts";
import { DashboardModel } from "../../src/inspect/dashboard/model.ts";
import type { NodeView } from "../../src/inspect/dashboard/nodes-view.ts";
import { type DashboardServer, startDashboardServer } from "../../src/inspect/dashboard/server.ts";
import { type ServicesView, serviceViews, taskViews } from "../../src/inspect/dashboard/services-view.ts";

/*
 * The map and the services tables in a real browser, fed from fixtures through the model (as
 * dashboard-api does): every task state the page colours, a task no node can take, history rows,
 * and a task actor's chart, without a swarm that runs tasks.
 */

/** Where to save a picture of the map and the services; unset: none. */
const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT;

const fixture = JSON.parse(readFileSync(new URL("./fixtures/dashboard-services.json", import.meta.url), "utf8")) as {
  serviceLs: { services: unknown[] };
  taskLs: { tasks: unknown[]; nodeNames: Record<string, string>; serviceNames: Record<string, string> };
};
const NO_SUITABLE_NODE =
  "no suitable node (scheduling constraints not satisfied on 2 nodes; insufficient resources on 1 node)";

const node = (hostname: string, id: string, role: string, availability: string, managerStatus = ""): NodeView => ({
  id,
  hostname,
  role,
  status: "Ready",
  message: "",
  availability,
  managerStatus,
  addr: "127.0.0.1",
});

const services = (): ServicesView => ({
  source: "m1",
  error: null,
  time: new Date().toISOString(),
  services: serviceViews(fixture.serviceLs.services),
  tasks: taskViews(fixture.taskLs.tasks, fixture.taskLs.nodeNames, fixture.taskLs.serviceNames),
});

const transition = (n: string, actor: string, state: string, value: unknown, context = {}): ActorTransition => ({
  node: n,
  actor,
  state,
  from: null,
  event: "xstate.init",
  time: new Date().toISOString(),
  value,
  context,
});

let server: DashboardServer;
let browser: Browser;
let page: Page;
const model = new DashboardModel();
const pageErrors: string[] = [];

test.before(async () => {
  server = await startDashboardServer({ host: "127.0.0.1", port: 0, model, layouts: await machineLayouts() });
  model.discovered(["m1", "w1", "w2"]);
  model.setNodes({
    source: "m1",
    error: null,
    time: new Date().toISOString(),
    nodes: [
      node("m1", "m1id00000000000000000000a", "manager", "Active", "Leader"),
      node("w1", "w1id00000000000000000000b", "worker", "Active"),
      node("w2", "w2id00000000000000000000c", "worker", "Drain"),
    ],
  });
  model.applyTransition(transition("m1", "raft", "leader", "leader", { raftId: "1", term: 2, lead: "1" }));
  model.applyTransition(transition("w1", "clusterState", "active", "active"));
  model.applyTransition(transition("w1", "task-t-web1-new", "live.RUNNING", { live: "RUNNING" }));
  model.setServices(services());
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
});
test.after(async () => {
  await browser?.close();
  await server?.close();
});

const chipsOn = (hostname: string) =>
  page
    .locator(`[data-map-node="${hostname}"] [data-task-chip]`)
    .evaluateAll((chips) => chips.map((c) => `${c.textContent}:${c.getAttribute("data-state")}`));

test("each node's box holds its tasks as chips by state; a task no node can take waits apart, saying why", async () => {
  await page.goto(server.url);
  await page.waitForSelector('[data-map-node="w1"] [data-task-chip]');
  assert.equal(await chipsOn("m1"), ["mon:starting", "web.2:running"]);
  assert.equal(await chipsOn("w1"), ["mon:running", "web.1:running"]);
  assert.equal(await chipsOn("w2"), [], "w2's failed web.1 is history: no chip");
  assert.is(await page.locator('[data-map-node="w2"]').getAttribute("data-availability"), "Drain");
  assert.is(await page.locator('[data-map-node="m1"]').getAttribute("data-leader"), "true");
  const pending = page.locator('[data-group="unplaced"] [data-task-chip="t-web3"]');
  assert.is(await pending.getAttribute("data-state"), "pending");
  assert.match((await pending.getAttribute("title")) ?? "", NO_SUITABLE_NODE);
  // Colours differ by state: running is not pending is not starting.
  const colour = (sel: string) =>
    page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(sel)})).backgroundColor`);
  const running = await colour('[data-task-chip="t-web2"]');
  assert.is.not(running, await colour('[data-task-chip="t-web3"]'));
  assert.is.not(running, await colour('[data-task-chip="t-mon-m1"]'));
  assert.equal(pageErrors, []);
});

test("a table per service: replicas running/desired, each task's node and states, errors whole", async () => {
  const web = page.locator('table.service[data-service="web"]');
  assert.is(await web.getAttribute("data-replicas"), "2/3");
  assert.is(await page.locator('table.service[data-service="mon"] [data-field="mode"]').textContent(), "global");
  const rows = await web
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) =>
        ["name", "node", "desired", "state"]
          .map((f) => tr.querySelector(`[data-field="${f}"]`)?.textContent?.replace(/ \d\d:\d\d:\d\d\.\d{3}$/, ""))
          .join("|"),
      ),
    );
  assert.equal(rows, [
    "web.1|w1|running|running",
    "\\_ web.1|w2|shutdown|failed",
    "web.2|m1|running|running",
    "web.3||running|pending",
  ]);
  const error = web.locator('[data-task-row="t-web3"] [data-field="error"]');
  assert.is(await error.textContent(), NO_SUITABLE_NODE);
  // Whole on screen: the text wraps inside the cell rather than running out of it.
  assert.ok(await error.evaluate((e) => e.scrollWidth <= e.clientWidth), "the error is cut");
  assert.is(
    await web.locator('[data-task-row="t-web1-old"] [data-field="error"]').textContent(),
    "task: non-zero exit (1)",
  );
  assert.equal(pageErrors, []);
});

test("clicking a task's chip opens its node's charts, the task's machine in its state", async () => {
  const chart = page.locator('[data-chart="w1/task-t-web1-new"]');
  assert.is(await chart.isVisible(), false);
  await page.locator('[data-task-chip="t-web1-new"]').click();
  await chart.locator('[data-state="live.RUNNING"][data-active="true"]').waitFor({ timeout: 5_000 });
  assert.match((await chart.locator("figcaption").textContent()) ?? "", /^task web\.1 live\.RUNNING/);
  assert.is(await page.locator('[data-chart="m1/raft"]').isVisible(), false);
  assert.is(await page.locator('[data-map-node="w1"]').getAttribute("data-selected"), "true");
  if (SCREENSHOT) {
    await page.evaluate("window.scrollTo(0, 0)");
    const bottom = await page.locator("#services-section").evaluate((e) => e.getBoundingClientRect().bottom);
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: bottom + 8 } });
  }
  assert.equal(pageErrors, []);
});

test("a task's move reaches the page live: its chip and its row change state; a removed task's chart goes", async () => {
  const next = services();
  next.tasks = next.tasks.map((t) =>
    t.id === "t-web2"
      ? { ...t, state: "failed", desiredState: "shutdown", error: "task: non-zero exit (2)", live: false }
      : t,
  );
  model.setServices(next);
  await page.waitForSelector('[data-task-row="t-web2"][data-state="failed"]', { timeout: 5_000 });
  assert.equal(await chipsOn("m1"), ["mon:starting"]);
  assert.is(
    await page.locator('[data-task-row="t-web2"] [data-field="error"]').textContent(),
    "task: non-zero exit (2)",
  );
  // w1's charts are open (the chip above): its task's machine leaves once the task is removed.
  assert.match(
    (await page.locator('[data-chart="w1/task-t-web1-new"] figcaption').textContent()) ?? "",
    /desired running/,
  );
  model.setServices({ ...next, tasks: next.tasks.filter((t) => t.id !== "t-web1-new") });
  await page.waitForSelector('[data-chart="w1/task-t-web1-new"]', { state: "hidden", timeout: 5_000 });
  assert.is(await page.locator('[data-chart="w1/clusterState"]').isVisible(), true);
  assert.equal(pageErrors, []);
});

test.run();

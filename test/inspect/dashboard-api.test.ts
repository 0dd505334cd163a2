import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ActorTransition } from "../../src/bus/events.ts";
import { machineLayouts } from "../../src/inspect/dashboard/index.ts";
import type { MachineLayout } from "../../src/inspect/dashboard/layout.ts";
import { DashboardModel, type DashboardSnapshot } from "../../src/inspect/dashboard/model.ts";
import { type DashboardServer, startDashboardServer } from "../../src/inspect/dashboard/server.ts";

let server: DashboardServer;
const model = new DashboardModel();

const t = (node: string, actor: string, state: string, s: number, context = {}): ActorTransition => ({
  node,
  actor,
  state,
  from: null,
  event: "xstate.init",
  time: new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString(),
  value: state,
  context,
});

test.before(async () => {
  server = await startDashboardServer({ host: "127.0.0.1", port: 0, model, layouts: await machineLayouts() });
  model.applyTransition(t("m1", "raft", "leader", 1, { raftId: "7", term: 2, lead: "7" }));
  model.applyTransition(t("m1", "clusterState", "active", 2));
  model.applyTransition(t("w1", "clusterState", "active", 3));
  model.discovered(["m1", "w1"]);
});
test.after(async () => {
  await server.close();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

async function errorOf(path: string, init?: RequestInit): Promise<{ status: number; code: string; message: string }> {
  const res = await get(path, init);
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

test("the snapshot holds daemons, nodes, services and tasks, every actor's latest transition with its machine, the timeline and Raft", async () => {
  const res = await get("/api/snapshot");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const s = (await res.json()) as DashboardSnapshot;
  assert.equal(Object.keys(s).sort(), ["actors", "daemons", "nodes", "raft", "services", "timeline"]);
  assert.equal(s.daemons, [
    { name: "m1", reachable: true },
    { name: "w1", reachable: true },
  ]);
  assert.equal(s.nodes, { source: null, error: null, time: null, nodes: [] });
  assert.equal(s.services, { source: null, error: null, time: null, services: [], tasks: [] });
  assert.equal(s.actors.map((a) => `${a.node}/${a.actor}:${a.machine}`).sort(), [
    "m1/clusterState:clusterState",
    "m1/raft:raft",
    "w1/clusterState:clusterState",
  ]);
  assert.is(s.timeline.length, 3);
  assert.equal(s.raft, { term: 2, leader: "m1" });
});

test("?node= keeps one node's part and ?timeline=N the last N transitions", async () => {
  const s = (await (await get("/api/snapshot?node=w1&timeline=5")).json()) as DashboardSnapshot;
  assert.equal(
    s.actors.map((a) => a.node),
    ["w1"],
  );
  assert.equal(s.daemons, [{ name: "w1", reachable: true }]);
  const last = (await (await get("/api/snapshot?timeline=1")).json()) as DashboardSnapshot;
  assert.equal(
    last.timeline.map((e) => `${e.node}/${e.actor}`),
    ["w1/clusterState"],
  );
});

test("a bad query is 400 InvalidArgument naming the parameter", async () => {
  for (const [query, words] of [
    ["timeline=abc", /timeline: must be a whole number/],
    ["timeline=-1", /timeline/],
    ["timeline=100000", /timeline/],
    ["node=a.b", /node: must be a node name/],
    ["node=", /node/],
    ["bogus=1", /bogus/],
    ["timeline=1&timeline=2", /"timeline" is given more than once/],
  ] as const) {
    const e = await errorOf(`/api/snapshot?${query}`);
    assert.is(e.status, 400, query);
    assert.is(e.code, "InvalidArgument", query);
    assert.match(e.message, words, query);
  }
  const m = await errorOf("/api/machines?x=1");
  assert.is(m.status, 400);
});

test("an unknown path is 404, any method but GET is 405", async () => {
  for (const path of ["/nope", "/api", "/api/snapshot/x", "/assets/missing.js", "/assets/../server.ts", "/assets/"]) {
    const e = await errorOf(path);
    assert.is(e.status, 404, path);
    assert.is(e.code, "NotFound", path);
  }
  const post = await get("/api/snapshot", { method: "POST", body: "{}" });
  assert.is(post.status, 405);
  assert.is(post.headers.get("allow"), "GET");
  await post.body?.cancel();
});

test("/api/machines has every machine with its laid-out states and edges", async () => {
  const { machines } = (await (await get("/api/machines")).json()) as { machines: MachineLayout[] };
  assert.equal(machines.map((m) => m.name).sort(), [
    "clusterState",
    "controlLoop",
    "node",
    "nodeLiveness",
    "raft",
    "session",
    "task",
  ]);
  for (const m of machines) assert.ok(m.states.length > 0 && m.edges.length > 0 && m.width > 0 && m.height > 0);
});

test("the page and everything it loads come from this server (it works offline)", async () => {
  const html = await (await get("/")).text();
  assert.match(html, /<title>swarmbus dashboard<\/title>/);
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length >= 2);
  for (const ref of refs) {
    if (ref === "data:,") continue;
    assert.ok(ref.startsWith("/assets/"), `the page loads ${ref}`);
    const res = await get(ref);
    assert.is(res.status, 200, ref);
    await res.body?.cancel();
  }
  // The modules import one another by relative path, never from a CDN.
  for (const name of ["app.js", "chart.js", "dom.js", "map.js", "services.js", "states.js", "view.js"]) {
    const res = await get(`/assets/${name}`);
    assert.match(res.headers.get("content-type") ?? "", /^text\/javascript/);
    const js = await res.text();
    for (const m of js.matchAll(/from\s+"([^"]+)"/g))
      assert.match(m[1]!, /^\.\/[\w-]+\.js$/, `${name} imports ${m[1]}`);
    // The SVG namespace is a name, not something fetched.
    assert.not.match(js.replaceAll('"http://www.w3.org/2000/svg"', ""), /https?:\/\//, `${name} names a URL`);
  }
  const css = await (await get("/assets/style.css")).text();
  assert.not.match(css, /https?:\/\/|@import/);
});

test.run();

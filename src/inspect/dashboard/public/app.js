// The dashboard page: machine layouts from /api/machines, then a snapshot and live updates from /api/events.
// The map and the services are always shown; one node's charts at a time, the one picked on the map.
import { createChart } from "./chart.js";
import { renderMap } from "./map.js";
import { renderServices } from "./services.js";
import { activePaths, stringPaths } from "./states.js";
import { nodeHeading, renderNodes, renderRaft, renderTimeline } from "./view.js";

const TIMELINE_ROWS = 150;
const ACTOR_ORDER = ["node", "clusterState", "session", "raft"];

const state = {
  layouts: new Map(),
  actors: new Map(),
  /** Oldest first, as the server's timeline; routine moves (heartbeats) apart so they cannot push the rest out. */
  notable: [],
  routine: [],
  nodes: { source: null, error: null, time: null, nodes: [] },
  services: { source: null, error: null, time: null, services: [], tasks: [] },
  daemons: [],
  raft: { term: null, leader: null },
  /** The node whose charts are open (kept in the address as `#node=NAME`), or null. */
  selected: selectedInAddress(),
};
const sections = new Map();
const charts = new Map();

const actorKey = (node, actor) => `${node}/${actor}`;
const natural = (a, b) => a.localeCompare(b, "en", { numeric: true });

function selectedInAddress() {
  const m = /^#node=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

/** `liveness-<nodeId>` as `liveness <hostname>` once the nodes table names the node; `task-<id>` as `task web.2`. */
function actorLabel(actor) {
  if (actor.startsWith("task-")) {
    const id = actor.slice("task-".length);
    const task = state.services.tasks.find((t) => t.id === id);
    return `task ${task ? task.name : id.slice(0, 12)}`;
  }
  if (!actor.startsWith("liveness-")) return actor;
  const id = actor.slice("liveness-".length);
  const row = state.nodes.nodes.find((n) => n.id === id);
  return `liveness ${row ? row.hostname : id.slice(0, 12)}`;
}

/** The node's own machines first, then the liveness of each node (on a manager), then its tasks. */
function actorRank(actor) {
  const i = ACTOR_ORDER.indexOf(actor);
  if (i !== -1) return i;
  return actor.startsWith("task-") ? ACTOR_ORDER.length + 1 : ACTOR_ORDER.length;
}

function section(node) {
  let s = sections.get(node);
  if (s) return s;
  const heading = document.createElement("h3");
  const box = document.createElement("div");
  box.className = "charts";
  const article = document.createElement("article");
  article.className = "node";
  article.dataset.node = node;
  article.hidden = node !== state.selected;
  article.append(heading, box);
  s = { article, heading, box };
  sections.set(node, s);
  const root = document.getElementById("actors");
  root.append(...[...sections.keys()].sort(natural).map((n) => sections.get(n).article));
  return s;
}

function chart(view) {
  const key = actorKey(view.node, view.actor);
  let c = charts.get(key);
  if (c) return c;
  const layout = view.machine ? state.layouts.get(view.machine) : undefined;
  const figure = document.createElement("figure");
  figure.className = "chart";
  figure.dataset.chart = key;
  figure.dataset.node = view.node;
  figure.dataset.actor = view.actor;
  const caption = document.createElement("figcaption");
  const name = document.createElement("span");
  const current = document.createElement("code");
  current.dataset.field = "state";
  const facts = document.createElement("small");
  caption.append(name, " ", current, " ", facts);
  figure.append(caption);
  const drawn = layout ? createChart(layout) : null;
  if (drawn) figure.append(drawn.svg);
  c = { figure, name, current, facts, show: drawn ? drawn.show : () => {}, actor: view.actor };
  charts.set(key, c);
  const s = section(view.node);
  const mine = [...charts.values()].filter((x) => x.figure.dataset.node === view.node);
  mine.sort((a, b) => actorRank(a.actor) - actorRank(b.actor) || natural(a.actor, b.actor));
  s.box.append(...mine.map((x) => x.figure));
  return c;
}

function showActor(view, previous) {
  const c = chart(view);
  const t = view.transition;
  c.name.textContent = actorLabel(view.actor);
  c.current.textContent = t.state;
  c.figure.dataset.state = t.state;
  const ctx = t.context ?? {};
  c.facts.textContent = view.actor === "raft" ? `term ${ctx.term ?? "?"}, lead ${ctx.lead ?? "?"}` : "";
  const before = previous ? activePaths(previous) : t.from !== null ? stringPaths(t.from) : null;
  c.show(activePaths(t), before);
}

/** Opens `node`'s charts (closes them when already open); from a task, scrolls to its actor's chart. */
function select(node, task = null) {
  state.selected = node === state.selected && task === null ? null : node;
  history.replaceState(null, "", state.selected === null ? location.pathname : `#node=${encodeURIComponent(node)}`);
  for (const [name, s] of sections) s.article.hidden = name !== state.selected;
  schedule();
  const c = task ? charts.get(actorKey(node, `task-${task.id}`)) : undefined;
  if (c) {
    c.figure.scrollIntoView({ block: "nearest" });
    c.figure.dataset.flash = "true";
    setTimeout(() => delete c.figure.dataset.flash, 1500);
  } else if (state.selected !== null) {
    document.getElementById("actors-section").scrollIntoView({ block: "nearest" });
  }
}

const onMap = { node: (name) => select(name), task: (t) => (t.node ? select(t.node, t) : undefined) };

function renderHint() {
  const hint = document.getElementById("actors-hint");
  const s = state.selected;
  if (s === null) hint.textContent = "click a node or a task above to open its state machines";
  else if (!sections.has(s)) hint.textContent = `of ${s}: none seen from its daemon`;
  else hint.textContent = `of ${s} (click it again to close)`;
}

function renderSections() {
  const reachable = new Map(state.daemons.map((d) => [d.name, d.reachable]));
  for (const [node, s] of sections) {
    const row = state.nodes.nodes.find((n) => n.hostname === node);
    s.heading.replaceChildren(...nodeHeading(node, row, reachable.get(node)));
    s.article.dataset.reachable = String(reachable.get(node) !== false);
  }
  const tasks = new Map(state.services.tasks.map((t) => [t.id, t]));
  for (const c of charts.values()) {
    c.name.textContent = actorLabel(c.actor);
    if (!c.actor.startsWith("task-")) continue;
    // A removed task's machine leaves with it (the reaper keeps a few per slot), or the node's charts only grow.
    const task = tasks.get(c.actor.slice("task-".length));
    c.figure.hidden = state.services.source !== null && !task;
    c.facts.textContent = task ? `desired ${task.desiredState}${task.error ? ` · ${task.error}` : ""}` : "";
  }
}

let timer = null;
/** Tables are rebuilt at most every 50 ms, however fast transitions come. */
function schedule() {
  if (timer !== null) return;
  timer = setTimeout(() => {
    timer = null;
    renderMap(state, state.selected, onMap);
    renderServices(state.services, onMap);
    renderNodes(state.nodes, state.daemons);
    renderSections();
    renderHint();
    const showRoutine = document.getElementById("show-routine").checked;
    const rows = showRoutine ? merge(state.notable, state.routine) : state.notable;
    renderTimeline(rows, TIMELINE_ROWS, actorLabel);
    renderRaft(state.raft);
  }, 50);
}

const KEEP = { notable: 500, routine: 200 };

/** Same actor, same from → to: a move that, once it repeats, is routine from its first time on. */
const sameMove = (a, b) => a.node === b.node && a.actor === b.actor && a.from === b.from && a.state === b.state;

function insertTimeline(entry) {
  if (entry.routine && state.notable.some((e) => sameMove(e, entry))) {
    const earlier = state.notable.filter((e) => sameMove(e, entry)).map((e) => ({ ...e, routine: true }));
    state.notable = state.notable.filter((e) => !sameMove(e, entry));
    state.routine = merge(state.routine, earlier);
  }
  const list = entry.routine ? state.routine : state.notable;
  let i = list.length;
  while (i > 0 && list[i - 1].time > entry.time) i--;
  list.splice(i, 0, entry);
  const keep = entry.routine ? KEEP.routine : KEEP.notable;
  if (list.length > keep) list.splice(0, list.length - keep);
}

/** Two time-ordered lists as one. */
function merge(a, b) {
  return [...a, ...b].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
}

function onSnapshot(s) {
  state.actors = new Map(s.actors.map((a) => [actorKey(a.node, a.actor), a]));
  state.notable = s.timeline.filter((e) => !e.routine);
  state.routine = s.timeline.filter((e) => e.routine);
  state.nodes = s.nodes;
  state.services = s.services;
  state.daemons = s.daemons;
  state.raft = s.raft;
  for (const a of state.actors.values()) showActor(a, null);
  schedule();
}

function onTransition(u) {
  const key = actorKey(u.actor.node, u.actor.actor);
  const previous = state.actors.get(key);
  state.actors.set(key, u.actor);
  state.raft = u.raft;
  if (u.entry) insertTimeline(u.entry);
  const same = previous && previous.transition.time === u.actor.transition.time;
  if (!same) showActor(u.actor, previous?.transition ?? null);
  schedule();
}

function connect() {
  const status = document.getElementById("connection");
  const events = new EventSource("/api/events");
  const on = (name, handle) => events.addEventListener(name, (e) => handle(JSON.parse(e.data)));
  on("snapshot", onSnapshot);
  on("transition", onTransition);
  on("nodes", (u) => {
    state.nodes = u.nodes;
    schedule();
  });
  on("services", (u) => {
    state.services = u.services;
    schedule();
  });
  on("daemons", (u) => {
    state.daemons = u.daemons;
    schedule();
  });
  events.onopen = () => {
    status.dataset.connected = "true";
    status.textContent = "live";
  };
  // EventSource reconnects by itself; the next snapshot replaces everything.
  events.onerror = () => {
    status.dataset.connected = "false";
    status.textContent = "reconnecting…";
  };
}

async function main() {
  const res = await fetch("/api/machines");
  if (!res.ok) throw new Error(`GET /api/machines: ${res.status}`);
  const { machines } = await res.json();
  for (const m of machines) state.layouts.set(m.name, m);
  document.getElementById("show-routine").addEventListener("change", schedule);
  window.addEventListener("hashchange", () => {
    const node = selectedInAddress();
    if (node !== state.selected) select(node ?? state.selected);
  });
  connect();
}

main().catch((e) => {
  const status = document.getElementById("connection");
  status.dataset.connected = "false";
  status.textContent = `failed: ${e.message}`;
});

// The cluster map: every node as a box in its role's row, the leader marked, its tasks as chips coloured by state.
import { h } from "./dom.js";

const GROUPS = [
  { role: "manager", title: "Managers" },
  { role: "worker", title: "Workers" },
];

/** A chip names the service and slot; a global service's task sits on its node, so the service alone. */
export const chipLabel = (t) => (t.slot > 0 ? `${t.service}.${t.slot}` : t.service);

function chip(t, on) {
  const facts = [`${t.name}: ${t.state}`];
  if (t.desiredState !== t.state) facts.push(`desired ${t.desiredState}`);
  if (t.error || t.message) facts.push(t.error || t.message);
  const b = h(
    "button",
    { type: "button", class: "chip", "data-task-chip": t.id, "data-state": t.state, title: facts.join(" · ") },
    chipLabel(t),
  );
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    on.task(t);
  });
  return b;
}

function nodeBox(n, on) {
  const attrs = {
    class: "map-node",
    role: "button",
    tabindex: "0",
    "data-map-node": n.name,
    "data-node-id": n.row?.id ?? "",
    "data-role": n.row?.role ?? "",
    "data-status": n.row?.status ?? "",
    "data-availability": n.row?.availability ?? "",
    "data-leader": String(n.leader),
    "data-selected": String(n.selected),
    "data-daemon": n.reachable === false ? "unreachable" : "reachable",
  };
  const title = h("div", { class: "map-title" }, h("strong", {}, n.name));
  if (n.leader) title.append(" ", h("span", { class: "badge", "data-field": "leader" }, "★ leader"));
  const facts = h("div", { class: "map-facts" });
  if (n.row) {
    facts.append(
      h("span", { "data-field": "status" }, n.row.status),
      " · ",
      h("span", { "data-field": "availability" }, n.row.availability),
    );
  } else if (n.name !== "") {
    facts.append("not in the swarm's node list");
  }
  if (n.reachable === false) facts.append(" · ", h("span", { "data-field": "daemon" }, "daemon not answering"));
  const chips = h("div", { class: "chips" }, ...n.tasks.map((t) => chip(t, on)));
  const box = h("div", attrs, title, facts, chips);
  if (n.name !== "") {
    box.addEventListener("click", () => on.node(n.name));
    box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        on.node(n.name);
      }
    });
  }
  return box;
}

/**
 * The map from the nodes table, the daemons, the tasks and Raft: managers,
 * then workers, then daemons the node list does not name; tasks meant to run
 * on no listed node (not placed yet) in a box of their own.
 */
export function renderMap({ nodes, daemons, services, raft }, selected, on) {
  const reachable = new Map(daemons.map((d) => [d.name, d.reachable]));
  const live = services.tasks.filter((t) => t.live);
  const placed = new Set();
  const box = (name, row) => {
    const tasks = row ? live.filter((t) => t.nodeId === row.id) : [];
    for (const t of tasks) placed.add(t.id);
    const leader = raft.leader !== null ? raft.leader === name : row?.managerStatus === "Leader";
    return { name, row, reachable: reachable.get(name), leader, selected: name === selected, tasks };
  };
  const groups = GROUPS.map((g) => ({
    ...g,
    boxes: nodes.nodes.filter((r) => r.role === g.role).map((r) => box(r.hostname, r)),
  }));
  const listed = new Set(nodes.nodes.map((r) => r.hostname));
  groups.push({
    role: "other",
    title: "Not in the swarm",
    boxes: daemons.filter((d) => !listed.has(d.name)).map((d) => box(d.name, null)),
  });
  const unplaced = live.filter((t) => !placed.has(t.id));
  if (unplaced.length > 0) {
    groups.push({
      role: "unplaced",
      title: "Not placed",
      boxes: [{ name: "", row: null, reachable: undefined, leader: false, selected: false, tasks: unplaced }],
    });
  }
  const out = groups
    .filter((g) => g.boxes.length > 0)
    .map((g) =>
      h(
        "div",
        { class: "map-group", "data-group": g.role },
        h("h3", {}, g.title),
        h("div", { class: "map-nodes" }, ...g.boxes.map((b) => nodeBox(b, on))),
      ),
    );
  document.getElementById("map").replaceChildren(...out);
  document.getElementById("map-source").textContent =
    out.length === 0 ? "waiting for daemons…" : `${nodes.nodes.length} nodes, ${live.length} tasks`;
}

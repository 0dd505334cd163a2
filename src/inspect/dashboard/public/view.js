// The page's tables and headings, rebuilt from the state app.js holds. Text goes in with textContent only.
import { clock, h } from "./dom.js";

const cell = (field, text) => h("td", { "data-field": field }, text);

export function renderRaft(raft) {
  const box = document.getElementById("raft");
  box.dataset.term = raft.term === null ? "" : String(raft.term);
  box.dataset.leader = raft.leader ?? "";
  document.getElementById("raft-term").textContent = raft.term === null ? "–" : String(raft.term);
  document.getElementById("raft-leader").textContent = raft.leader ?? "none";
}

/** The nodes table: node.ls rows, plus daemons node.ls does not list (not joined yet, or left). */
export function renderNodes(view, daemons) {
  const reachable = new Map(daemons.map((d) => [d.name, d.reachable]));
  const daemonText = (name) => (!reachable.has(name) ? "" : reachable.get(name) ? "answering" : "not answering");
  const rows = view.nodes.map((n) =>
    h(
      "tr",
      {
        "data-node-row": n.hostname,
        "data-node-id": n.id,
        "data-status": n.status,
        "data-availability": n.availability,
        "data-role": n.role,
        "data-manager-status": n.managerStatus,
        "data-daemon": reachable.get(n.hostname) === false ? "unreachable" : "reachable",
      },
      cell("hostname", `${n.hostname}${n.hostname === view.source ? " *" : ""}`),
      cell("id", h("code", {}, n.id)),
      cell("role", n.role),
      cell("status", n.message && n.status !== "Ready" ? `${n.status} (${n.message})` : n.status),
      cell("availability", n.availability),
      cell("manager-status", n.managerStatus),
      cell("daemon", daemonText(n.hostname)),
    ),
  );
  const listed = new Set(view.nodes.map((n) => n.hostname));
  for (const d of daemons) {
    if (listed.has(d.name)) continue;
    rows.push(
      h(
        "tr",
        { "data-node-row": d.name, "data-status": "", "data-daemon": d.reachable ? "reachable" : "unreachable" },
        cell("hostname", d.name),
        cell("id", ""),
        cell("role", ""),
        cell("status", "not in the swarm's node list"),
        cell("availability", ""),
        cell("manager-status", ""),
        cell("daemon", daemonText(d.name)),
      ),
    );
  }
  const table = document.getElementById("nodes");
  table.tBodies[0].replaceChildren(...rows);
  table.dataset.stale = String(view.error !== null);
  const error = document.getElementById("nodes-error");
  error.hidden = view.error === null;
  error.textContent = view.error ?? "";
  document.getElementById("nodes-source").textContent = view.source
    ? `from node ls on ${view.source}${view.time ? ` at ${clock(view.time)}` : ""}`
    : "waiting for a manager…";
}

export function renderTimeline(timeline, rows, labelOf) {
  const out = [];
  for (let i = timeline.length - 1; i >= 0 && out.length < rows; i--) {
    const t = timeline[i];
    out.push(
      h(
        "tr",
        { "data-node": t.node, "data-actor": t.actor, "data-routine": String(t.routine) },
        cell("time", clock(t.time)),
        cell("node", t.node),
        cell("actor", labelOf(t.actor)),
        cell("move", t.from === null ? t.state : `${t.from} → ${t.state}`),
        cell("event", t.event),
      ),
    );
  }
  document.getElementById("timeline").tBodies[0].replaceChildren(...out);
}

/** The heading of one node's section: its role and status from the nodes table, and whether its daemon answers. */
export function nodeHeading(name, row, reachable) {
  const facts = row ? [row.role, row.status, row.managerStatus].filter((s) => s) : [];
  if (reachable === false) facts.push("daemon not answering");
  return [name, " ", h("small", {}, facts.join(" · "))];
}

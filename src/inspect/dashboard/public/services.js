// One table per service, as `service ls` heads it and `service ps --no-trunc` lists its tasks (errors whole).
import { clock, h } from "./dom.js";

const cell = (field, ...content) => h("td", { "data-field": field }, ...content);

function taskRow(t, history, on) {
  const name = h("a", { href: `#node=${encodeURIComponent(t.node)}`, "data-task-link": t.id }, t.name);
  name.addEventListener("click", (e) => {
    e.preventDefault();
    on.task(t);
  });
  return h(
    "tr",
    { "data-task-row": t.id, "data-state": t.state, "data-desired": t.desiredState, "data-history": String(history) },
    cell("name", history ? "\\_ " : "", name),
    cell("node", t.node),
    cell("desired", t.desiredState),
    cell(
      "state",
      h("span", { class: "task-state", "data-state": t.state }, t.state),
      t.time ? ` ${clock(t.time)}` : "",
    ),
    cell("error", t.error || (t.state === "pending" ? t.message : "")),
  );
}

function serviceTable(s, tasks, on) {
  const rows = [];
  let slot = null;
  for (const t of tasks) {
    // Rows come newest first within a slot (or a global task's node): the first is the current task.
    const key = t.slot > 0 ? `slot ${t.slot}` : `node ${t.nodeId}`;
    rows.push(taskRow(t, key === slot, on));
    slot = key;
  }
  if (rows.length === 0) rows.push(h("tr", {}, h("td", { colspan: "5", class: "muted" }, "no tasks yet")));
  const replicas = `${s.running}/${s.desired}`;
  return h(
    "table",
    { class: "service", "data-service": s.name, "data-service-id": s.id, "data-replicas": replicas },
    h(
      "caption",
      {},
      h("strong", {}, s.name),
      " ",
      h("span", { "data-field": "mode" }, s.mode),
      " · ",
      h("span", { "data-field": "replicas" }, replicas),
      " running · ",
      h("code", { "data-field": "image" }, s.image),
    ),
    h(
      "thead",
      {},
      h("tr", {}, ...["Name", "Node", "Desired state", "Current state", "Error"].map((c) => h("th", {}, c))),
    ),
    h("tbody", {}, ...rows),
  );
}

export function renderServices(view, on) {
  const tables = view.services.map((s) =>
    serviceTable(
      s,
      view.tasks.filter((t) => t.serviceId === s.id),
      on,
    ),
  );
  const box = document.getElementById("services");
  if (tables.length === 0) {
    const text = view.source ? "no services: create one with swarmbus service create" : "";
    box.replaceChildren(h("p", { class: "muted" }, text));
  } else {
    box.replaceChildren(...tables);
  }
  const error = document.getElementById("services-error");
  error.hidden = view.error === null;
  error.textContent = view.error ?? "";
  box.dataset.stale = String(view.error !== null);
  document.getElementById("services-source").textContent = view.source
    ? `from service ls and task ls on ${view.source}${view.time ? ` at ${clock(view.time)}` : ""}`
    : "waiting for a manager…";
}

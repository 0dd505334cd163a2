// One statechart as SVG, drawn from the server's layout; `show` highlights the active states.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const polyline = (points) => points.map((p, i) => `${i === 0 ? "M" : "L"} ${p.x} ${p.y}`).join(" ");

/** Draws `layout` (see layout.ts MachineLayout); returns the SVG and the function that shows a state. */
export function createChart(layout) {
  const svg = el("svg", {
    class: "statechart",
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    "data-machine": layout.name,
  });
  const kindOf = new Map(layout.states.map((s) => [s.id, s.kind]));
  const pathOf = new Map(layout.states.map((s) => [s.id, s.path]));
  const groups = [];
  // Pre-order: every parent is drawn before (under) its children.
  for (const s of layout.states) {
    const classes = ["state", s.kind];
    if (s.parent === null) classes.push("root");
    else if (kindOf.get(s.parent) === "parallel") classes.push("region");
    const g = el("g", {
      class: classes.join(" "),
      "data-state": s.path,
      "data-state-id": s.id,
      "data-active": "false",
    });
    g.append(el("rect", { x: s.x, y: s.y, width: s.width, height: s.height }));
    if (s.kind === "final") {
      g.append(el("rect", { class: "inner", x: s.x + 3, y: s.y + 3, width: s.width - 6, height: s.height - 6 }));
    }
    const leaf = s.kind === "atomic" || s.kind === "final" || s.kind === "history";
    const label = s.parent === null ? layout.id : s.key;
    g.append(
      leaf
        ? el(
            "text",
            { x: s.x + s.width / 2, y: s.y + s.height / 2, "text-anchor": "middle", "dominant-baseline": "central" },
            label,
          )
        : el("text", { x: s.x + 8, y: s.y + 15 }, label),
    );
    svg.append(g);
    groups.push({ g, path: s.path });
  }
  for (const m of layout.initials) svg.append(el("circle", { class: "initial", cx: m.x, cy: m.y, r: m.r }));
  const edges = [];
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const g = el("g", { class: `edge ${e.kind}`, "data-edge": e.id, "data-last": "false" });
    g.append(el("path", { d: polyline(e.points) }));
    if (e.labelBox && e.label) {
      const b = e.labelBox;
      g.append(el("rect", { x: b.x, y: b.y, width: b.width, height: b.height }));
      g.append(el("text", { x: b.x, y: b.y + b.height / 2, "dominant-baseline": "central" }, e.label));
    }
    svg.append(g);
    edges.push({ g, source: pathOf.get(e.source), target: pathOf.get(e.target), kind: e.kind });
  }

  /** Marks the active states, and the transitions that left a state active before for one entered now. */
  const show = (active, before) => {
    for (const { g, path } of groups) g.setAttribute("data-active", String(path === "" || active.has(path)));
    for (const { g, source, target, kind } of edges) {
      const taken =
        kind === "transition" &&
        before !== null &&
        active.has(target) &&
        !before.has(target) &&
        (source === "" || before.has(source));
      g.setAttribute("data-last", String(taken));
    }
  };
  return { svg, show };
}

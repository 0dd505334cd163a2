// State values as sets of dotted paths: `{running: {agent: "ready"}}` is running, running.agent, running.agent.ready.

/** The active paths of an XState state value (a string, or an object of regions). */
export function valuePaths(value, prefix = "", out = new Set()) {
  if (typeof value === "string") {
    out.add(join(prefix, value));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = join(prefix, k);
      out.add(p);
      if (v !== undefined) valuePaths(v, p, out);
    }
  }
  return out;
}

/** The active paths of a state as the events stream writes it: `a.b.c`, parallel regions as `a.{x.on,y.off}`. */
export function stringPaths(text) {
  const out = new Set();
  let i = 0;
  const chain = (prefix) => {
    let current = prefix;
    while (i < text.length) {
      if (text[i] === "{") {
        i++;
        for (;;) {
          chain(current);
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") i++;
          return;
        }
      }
      let j = i;
      while (j < text.length && !".{},".includes(text[j])) j++;
      if (j === i) return;
      current = join(current, text.slice(i, j));
      out.add(current);
      i = j;
      if (text[i] !== ".") return;
      i++;
    }
  };
  if (text) chain("");
  return out;
}

/** The active paths of one transition's target state. */
export function activePaths(transition) {
  return transition.value !== undefined ? valuePaths(transition.value) : stringPaths(transition.state);
}

function join(prefix, key) {
  return prefix === "" ? key : `${prefix}.${key}`;
}

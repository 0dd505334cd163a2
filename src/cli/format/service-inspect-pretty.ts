import type { ApiService } from "../../bus/daemon-contract.ts";
import { humanDuration } from "./human-duration.ts";
import { bytesSize } from "./pretty-print.ts";

/** Go's time.Duration.String() of integer nanoseconds: "5s", "1m30s", "500ms", "1h0m0s", "0s". */
export function goDurationString(ns: number): string {
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let n = Math.abs(Math.trunc(ns));
  let out: string;
  if (n < 1e9) {
    const [unit, div] = n < 1e3 ? ["ns", 1] : n < 1e6 ? ["µs", 1e3] : ["ms", 1e6];
    out = `${trimFraction(n / (div as number))}${unit}`;
  } else {
    const h = Math.floor(n / 3.6e12);
    n -= h * 3.6e12;
    const m = Math.floor(n / 6e10);
    n -= m * 6e10;
    const s = trimFraction(n / 1e9);
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(x: number): string {
  return Number(x.toFixed(9)).toString();
}

/** Go's %v of a []string: "[a b]". */
const goList = (xs: readonly string[]) => `[${xs.join(" ")}]`;

/** Go's %v of a float64 for the usual CPU counts. */
const goFloat = (x: number) => String(x);

/** Shown at most; the rest is counted. */
const PENDING_SHOWN = 10;

/**
 * Not docker's: why tasks meant to run are not placed (moby#32999, docker/cli#663),
 * under the mode, named as `service ps` names them.
 */
function pendingTasks(s: ApiService): string {
  const pending = s.PendingTasks ?? [];
  if (pending.length === 0) return "";
  const name = s.Spec.Name ?? "";
  let o = `\nPending Tasks:\t${pending.length}`;
  for (const p of pending.slice(0, PENDING_SHOWN)) {
    o += `\n ${name}.${p.Slot ?? p.NodeID ?? p.ID}:\t${p.Err}`;
  }
  if (pending.length > PENDING_SHOWN) o += `\n …and ${pending.length - PENDING_SHOWN} more`;
  return o;
}

/**
 * `service inspect --pretty`: docker/cli's serviceInspectPrettyTemplate as it
 * renders for the fields a process-run service has (no networks, mounts,
 * ports, secrets, health checks). The tabs are literal, as docker writes them.
 */
export function formatServicePretty(s: ApiService, now: number): string {
  const spec = s.Spec;
  const t = spec.TaskTemplate;
  const c = t.ContainerSpec;
  let o = `\nID:\t\t${s.ID}\nName:\t\t${spec.Name ?? ""}`;
  const labels = spec.Labels ?? {};
  if (Object.keys(labels).length > 0) {
    o += "\nLabels:";
    for (const k of Object.keys(labels).sort()) o += `\n ${k}${labels[k] ? `=${labels[k]}` : ""}`;
  }
  o += "\nService Mode:";
  if (spec.Mode && "Global" in spec.Mode) o += "\tGlobal";
  else {
    o += "\tReplicated";
    const r = spec.Mode && "Replicated" in spec.Mode ? spec.Mode.Replicated.Replicas : undefined;
    if (r !== undefined) o += `\n Replicas:\t${r}`;
  }
  o += pendingTasks(s);
  const us = s.UpdateStatus;
  if (us && us.State !== "") {
    o += `\nUpdateStatus:\n State:\t\t${us.State}`;
    if (us.StartedAt) o += `\n Started:\t${humanDuration(now - Date.parse(us.StartedAt))} ago`;
    if (us.State === "completed" && us.CompletedAt)
      o += `\n Completed:\t${humanDuration(now - Date.parse(us.CompletedAt))} ago`;
    o += `\n Message:\t${us.Message}`;
  }
  o += "\nPlacement:";
  const p = t.Placement;
  if (p?.Constraints?.length) o += `\n Constraints:\t${goList(p.Constraints)}`;
  const prefs = (p?.Preferences ?? []).map((x) => `spread=${x.Spread.SpreadDescriptor}`);
  if (prefs.length) o += `\n Preferences:   ${goList(prefs)}`;
  if (p?.MaxReplicas) o += `\n Max Replicas Per Node:   ${p.MaxReplicas}`;
  for (const [title, u, order] of [
    ["UpdateConfig", spec.UpdateConfig, "Update order:     "],
    ["RollbackConfig", spec.RollbackConfig, "Rollback order:   "],
  ] as const) {
    if (!u) continue;
    o += `\n${title}:\n Parallelism:\t${u.Parallelism ?? 0}`;
    if ((u.Delay ?? 0) > 0) o += `\n Delay:\t\t${goDurationString(u.Delay ?? 0)}`;
    o += `\n On failure:\t${u.FailureAction ?? ""}`;
    if ((u.Monitor ?? 0) > 0) o += `\n Monitoring Period: ${goDurationString(u.Monitor ?? 0)}`;
    o += `\n Max failure ratio: ${u.MaxFailureRatio ?? 0}`;
    o += `\n ${order} ${u.Order ?? ""}`;
  }
  o += `\nContainerSpec:\n Image:\t\t${c.Image}`;
  if (c.Args?.length) o += `\n Args:\t\t${c.Args.map((a) => `${a} `).join("")}`;
  if (c.Env?.length) o += `\n Env:\t\t${c.Env.map((e) => `${e} `).join("")}`;
  if (c.Dir) o += `\n Dir:\t\t${c.Dir}`;
  if (c.User) o += `\n User: ${c.User}`;
  const r = t.Resources;
  if (r) {
    o += "\nResources:";
    const res = r.Reservations;
    if (res && ((res.NanoCPUs ?? 0) > 0 || (res.MemoryBytes ?? 0) > 0)) {
      o += "\n Reservations:";
      if ((res.NanoCPUs ?? 0) > 0) o += `\n  CPU:\t\t${goFloat((res.NanoCPUs ?? 0) / 1e9)}`;
      if (res.MemoryBytes) o += `\n  Memory:\t${bytesSize(res.MemoryBytes)}`;
    }
    const lim = r.Limits;
    if (lim && ((lim.NanoCPUs ?? 0) > 0 || (lim.MemoryBytes ?? 0) > 0)) {
      o += "\n Limits:";
      if ((lim.NanoCPUs ?? 0) > 0) o += `\n  CPU:\t\t${goFloat((lim.NanoCPUs ?? 0) / 1e9)}`;
      if (lim.MemoryBytes) o += `\n  Memory:\t${bytesSize(lim.MemoryBytes)}`;
    }
  }
  // No EndpointSpec: processes have no virtual IP, so the mode is empty as docker prints a nil one.
  o += "\nEndpoint Mode:\t\n";
  return o;
}

import type { ApiTask } from "../../bus/daemon-contract.ts";
import { humanDuration } from "./human-duration.ts";
import { prettyPrint } from "./pretty-print.ts";
import { displayImage, naturalCompare, truncateId } from "./service-ls.ts";
import { tabwrite } from "./table.ts";

/** docker/cli task/formatter.go maxErrLength. */
const MAX_ERR_LENGTH = 30;

/** docker/cli's formatter.Ellipsis for one-column characters: cut to `max`, the last one `…`. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (max <= 0) return "";
  if (max === 1) return chars[0] ?? "";
  if (chars.length <= max) return s;
  return `${chars.slice(0, max - 1).join("")}…`;
}

/** What `service ps` / `node ps` print: the tasks and the names the daemon resolved for them. */
export interface TaskListing {
  tasks: readonly ApiTask[];
  nodeNames: Readonly<Record<string, string>>;
  serviceNames: Readonly<Record<string, string>>;
}

export interface TaskTableOptions {
  /** Cut IDs to 12 characters and errors to 30 (`--no-trunc` turns it off; `-q` too). */
  trunc: boolean;
  quiet: boolean;
  /** `--no-resolve`: IDs instead of service and node names. */
  noResolve?: boolean;
  /** The clock CURRENT STATE is measured against (ms since the epoch). */
  now: number;
}

/** docker's task name: `<service>.<slot>` (replicated) or `<service>.<node ID>` (global). */
export function taskName(t: ApiTask, serviceNames: Readonly<Record<string, string>>, noResolve = false): string {
  const service = noResolve ? t.ServiceID : (serviceNames[t.ServiceID] ?? t.ServiceID);
  return t.Slot ? `${service}.${t.Slot}` : `${service}.${t.NodeID ?? ""}`;
}

/** `Running 5 seconds ago`: the state capitalised, go-units' HumanDuration lower-cased, "ago". */
export function currentState(t: ApiTask, now: number): string {
  const since = now - Date.parse(t.Status.Timestamp);
  return `${prettyPrint(t.Status.State)} ${humanDuration(Number.isNaN(since) ? 0 : since).toLowerCase()} ago`;
}

/** The ERROR cell: quoted, cut to 30 characters unless --no-trunc; empty when the task has no error. */
export function taskError(t: ApiTask, trunc: boolean): string {
  const err = trunc ? ellipsis(t.Status.Err ?? "", MAX_ERR_LENGTH) : (t.Status.Err ?? "");
  return err === "" ? "" : `"${err}"`;
}

/**
 * docker/cli's task.Print: tasks sorted by name (naturally), the newest first
 * within a name, so each slot's history follows its current task, indented
 * with ` \_ `.
 */
export function formatTaskTable(l: TaskListing, o: TaskTableOptions): string {
  const named = l.tasks.map((t) => ({ t, name: taskName(t, l.serviceNames, o.noResolve) }));
  named.sort(
    (a, b) =>
      (a.name !== b.name ? naturalCompare(a.name, b.name) : 0) || Date.parse(b.t.CreatedAt) - Date.parse(a.t.CreatedAt),
  );
  if (o.quiet) return named.map(({ t }) => (o.trunc ? truncateId(t.ID) : t.ID)).join("\n");
  let prev = "";
  const rows = named.map(({ t, name }) => {
    const shown = name === prev ? ` \\_ ${name}` : name;
    prev = name;
    const node = t.NodeID ? (o.noResolve ? t.NodeID : (l.nodeNames[t.NodeID] ?? t.NodeID)) : "";
    const image = o.trunc ? displayImage(t.Spec.ContainerSpec.Image) : t.Spec.ContainerSpec.Image;
    return [
      o.trunc ? truncateId(t.ID) : t.ID,
      shown,
      image,
      node,
      prettyPrint(t.DesiredState),
      currentState(t, o.now),
      taskError(t, o.trunc),
      "",
    ];
  });
  return tabwrite([["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"], ...rows]);
}

/** `-f desired-state=…`, `-f id=…`, `-f node=…` applied to the listing as the daemon's filters would. */
export interface TaskFilters {
  desiredState: string[];
  id: string[];
  node: string[];
}

export function filterTasks(l: TaskListing, f: TaskFilters): ApiTask[] {
  return l.tasks.filter(
    (t) =>
      (f.desiredState.length === 0 || f.desiredState.includes(t.DesiredState.toLowerCase())) &&
      (f.id.length === 0 || f.id.some((p) => t.ID.startsWith(p))) &&
      (f.node.length === 0 ||
        f.node.some((n) => t.NodeID !== undefined && (t.NodeID === n || l.nodeNames[t.NodeID] === n))),
  );
}

import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { nodeMatches, tryParseConstraints } from "./constraints.ts";
import type { NodeInfo } from "./node-info.ts";
import { reservationsOf } from "./node-info.ts";

/** One of the scheduler's filters (SK scheduler/filter.go): on for a task or not; a node passes or fails it. */
export interface Filter {
  /** A check for this task, or null when the filter does not apply to it. */
  forTask(t: Task__Output): ((n: NodeInfo) => boolean) | null;
  /** The explanation for `nodes` failures, SwarmKit's text. */
  explain(nodes: number): string;
}

const plural = (n: number, one: string, many: (n: number) => string) => (n === 1 ? one : many(n));

export const readyFilter: Filter = {
  forTask: () => (n) => n.node.status?.state === "READY" && (n.node.spec?.availability ?? "ACTIVE") === "ACTIVE",
  explain: (k) => plural(k, "1 node not available for new tasks", (k) => `${k} nodes not available for new tasks`),
};

export const resourceFilter: Filter = {
  forTask: (t) => {
    const r = reservationsOf(t);
    if (r.nanoCpus === 0 && r.memoryBytes === 0) return null;
    return (n) => r.nanoCpus <= n.available.nanoCpus && r.memoryBytes <= n.available.memoryBytes;
  },
  explain: (k) => plural(k, "insufficient resources on 1 node", (k) => `insufficient resources on ${k} nodes`),
};

export const constraintFilter: Filter = {
  forTask: (t) => {
    const list = t.spec?.placement?.constraints ?? [];
    if (list.length === 0) return null;
    const constraints = tryParseConstraints(list);
    return (n) => nodeMatches(constraints, n.node);
  },
  explain: (k) =>
    plural(
      k,
      "scheduling constraints not satisfied on 1 node",
      (k) => `scheduling constraints not satisfied on ${k} nodes`,
    ),
};

/** SK platformEqual: x86_64 is amd64, aarch64 is arm64; an empty field matches any. */
const normalArch = (a: string) => (a === "x86_64" ? "amd64" : a === "aarch64" ? "arm64" : a);

export const platformFilter: Filter = {
  forTask: (t) => {
    const wanted = t.spec?.placement?.platforms ?? [];
    if (wanted.length === 0) return null;
    return (n) => {
      const p = n.node.description?.platform;
      if (!p) return false;
      return wanted.some(
        (w) =>
          (w.architecture === "" || normalArch(w.architecture) === normalArch(p.architecture)) &&
          (w.os === "" || w.os === p.os),
      );
    };
  },
  explain: (k) => plural(k, "unsupported platform on 1 node", (k) => `unsupported platform on ${k} nodes`),
};

export const maxReplicasFilter: Filter = {
  forTask: (t) => {
    const max = Number(t.spec?.placement?.max_replicas ?? "0");
    if (max === 0) return null;
    return (n) => (n.activeByService.get(t.service_id) ?? 0) < max;
  },
  explain: () => "max replicas per node limit exceed",
};

/** SK's order, without the filters of what swarmbus has not (plugins, host ports, volumes). */
export const FILTERS: readonly Filter[] = [
  readyFilter,
  resourceFilter,
  constraintFilter,
  platformFilter,
  maxReplicasFilter,
];

import type { NatsConnection } from "@nats-io/transport-node";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import type { ApiTask } from "../../src/bus/daemon-contract.ts";
import type { TestSwarm } from "./swarm.ts";
import { waitFor } from "./wait-for.ts";

/** A service's tasks as a manager daemon lists them (what `service ps` shows), with their nodes' names. */
export async function serviceTasks(
  nc: NatsConnection,
  manager: string,
  serviceId: string,
): Promise<(ApiTask & { node: string })[]> {
  const r = await callDaemon(nc, manager, "task.ls", { serviceIds: [serviceId] }, { timeoutMs: 10_000 });
  return r.tasks.map((t) => ({ ...t, node: t.NodeID ? (r.nodeNames[t.NodeID] ?? "") : "" }));
}

/** The tasks that run and are meant to (what `service ls` counts as running). */
export const runningOf = <T extends ApiTask>(tasks: T[]) =>
  tasks.filter((t) => t.Status.State === "running" && t.DesiredState === "running");

/** Waits until `check` holds for the service's tasks; resolves with them. */
export function untilTasks(
  nc: NatsConnection,
  manager: string,
  serviceId: string,
  check: (tasks: (ApiTask & { node: string })[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<(ApiTask & { node: string })[]> {
  return waitFor(
    async () => {
      const tasks = await serviceTasks(nc, manager, serviceId);
      return check(tasks) && tasks;
    },
    { timeoutMs, what, intervalMs: 100 },
  );
}

/** `service create -d ARGS…` on `manager`; the new service's ID. */
export async function createService(swarm: TestSwarm, manager: string, ...args: string[]): Promise<string> {
  const r = await swarm.cli(manager, "service", "create", "-d", ...args);
  if (r.code !== 0) throw new Error(`service create failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** How many tasks of `tasks` sit on each node, by node name. */
export function perNode(tasks: { node: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.node] = (out[t.node] ?? 0) + 1;
  return out;
}

import type { ApiTask, DaemonResults } from "../../bus/daemon-contract.ts";
import { isRpcError } from "../../rpc/status.ts";
import { type AnyDaemonCall, type GlobalOptions, withDaemons } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";

export interface ServiceLogsOptions {
  follow?: boolean;
  tail?: number;
  noTrunc?: boolean;
  noTaskIds?: boolean;
  raw?: boolean;
  /** How often `-f` asks again; 500 ms. */
  pollMs?: number;
}

/** docker/cli's getMaxLength: the digits of a number. */
const digits = (n: number) => String(n).length;

/**
 * docker/cli's taskFormatter: `<service>.<slot>.<task ID>@<node>` padded to
 * the widest slot of the service, then `    | `.
 */
export function logPrefix(
  task: Pick<ApiTask, "ID" | "Slot">,
  service: string,
  node: string,
  padding: number,
  opts: Pick<ServiceLogsOptions, "noTrunc" | "noTaskIds">,
): string {
  const slot = task.Slot ?? 0;
  let name = `${service}.${slot}`;
  if (!opts.noTaskIds) name += `.${opts.noTrunc ? task.ID : task.ID.slice(0, 12)}`;
  return `${name}@${node}${" ".repeat(Math.max(0, padding - digits(slot)))}    | `;
}

/**
 * `service logs SERVICE|TASK`: the output of the service's tasks (or one
 * task), read from each node's daemon, since a task's output stays where its
 * program ran. `-f` asks each node again from where it left off.
 */
export async function runServiceLogs(g: GlobalOptions, ref: string, opts: ServiceLogsOptions): Promise<void> {
  if (!g.node) throw new StatusError("no daemon named: pass --node NAME or set SWARMBUS_NODE");
  const self = g.node;
  await withDaemons(g, async (callOn) => {
    const { tasks, names, padding } = await findTasks(callOn, self, ref);
    const from: Record<string, { stdout: number; stderr: number }> = {};
    const print = (r: DaemonResults["task.logs"]) => {
      for (const log of r.logs) {
        const task = tasks.find((t) => t.ID === log.taskId);
        if (!task) continue;
        from[log.taskId] = log.total;
        const prefix = opts.raw
          ? ""
          : logPrefix(task, names.services[task.ServiceID] ?? task.ServiceID, nodeName(task, names), padding, opts);
        for (const l of log.lines)
          (l.stream === "stdout" ? process.stdout : process.stderr).write(`${prefix}${l.line}\n`);
      }
    };
    const byNode = new Map<string, string[]>();
    for (const t of tasks) {
      const node = nodeName(t, names);
      if (node !== "") byNode.set(node, [...(byNode.get(node) ?? []), t.ID]);
    }
    const ask = async (first: boolean) => {
      for (const [node, taskIds] of byNode) {
        try {
          const r = await callOn(node, "task.logs", {
            taskIds,
            ...(first && opts.tail !== undefined && opts.tail >= 0 ? { tail: opts.tail } : {}),
            ...(first ? {} : { from: Object.fromEntries(taskIds.flatMap((id) => (from[id] ? [[id, from[id]]] : []))) }),
          });
          print(r);
        } catch (e) {
          // A node that is gone has no logs to give; the others still do (docker shows what it can).
          if (!isRpcError(e, "Unavailable")) throw e;
          if (first) process.stderr.write(`error from daemon in stream: node ${node} is not available\n`);
        }
      }
    };
    await ask(true);
    if (!opts.follow) return;
    const pollMs = opts.pollMs ?? 500;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      const tick = async () => {
        try {
          await ask(false);
        } catch (e) {
          process.stderr.write(`${(e as Error).message}\n`);
        }
        setTimeout(() => void tick(), pollMs).unref();
      };
      setTimeout(() => void tick(), pollMs);
    });
  });
}

interface Names {
  nodes: Record<string, string>;
  services: Record<string, string>;
}

const nodeName = (t: ApiTask, names: Names) => (t.NodeID ? (names.nodes[t.NodeID] ?? "") : "");

/** docker: the service first; not found, the task; neither, `no such task or service: X`. */
async function findTasks(
  callOn: AnyDaemonCall,
  self: string,
  ref: string,
): Promise<{ tasks: ApiTask[]; names: Names; padding: number }> {
  try {
    const { service } = await callOn(self, "service.inspect", { ref });
    const r = await callOn(self, "task.ls", { serviceIds: [service.ID] });
    const replicas =
      service.Spec.Mode && "Replicated" in service.Spec.Mode ? service.Spec.Mode.Replicated.Replicas : undefined;
    return {
      tasks: r.tasks,
      names: { nodes: r.nodeNames, services: r.serviceNames },
      padding: replicas !== undefined ? digits(replicas) : 1,
    };
  } catch (e) {
    if (!isRpcError(e, "NotFound")) throw e;
  }
  const r = await callOn(self, "task.ls", {});
  const task = r.tasks.find((t) => t.ID === ref) ?? onlyOne(r.tasks.filter((t) => t.ID.startsWith(ref)));
  if (!task) throw new StatusError(`no such task or service: ${ref}`);
  return { tasks: [task], names: { nodes: r.nodeNames, services: r.serviceNames }, padding: digits(task.Slot ?? 0) };
}

const onlyOne = <T>(xs: T[]): T | undefined => (xs.length === 1 ? xs[0] : undefined);

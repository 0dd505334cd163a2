import type { NatsConnection } from "@nats-io/transport-node";
import { callDaemon } from "../../bus/daemon-client.ts";
import { subscribeEvents } from "../../bus/events.ts";
import { toRpcError } from "../../rpc/status.ts";
import { discoverDaemons } from "./discover.ts";
import type { DashboardModel } from "./model.ts";
import { nodeViews } from "./nodes-view.ts";
import { serviceViews, taskViews } from "./services-view.ts";

export interface WatcherOptions {
  /** Between two discovery rounds, and between two `node.ls` (and `service.ls` + `task.ls`) polls. */
  pollMs: number;
  /** After a task actor's transition, how long to gather more before asking for the tasks again (one call for a burst). */
  taskDebounceMs: number;
  /** How long one discovery round collects replies. */
  discoverWindowMs: number;
  /** The bound of one daemon call (`actors`, `node.ls`). */
  callTimeoutMs: number;
  /** Where messages a person may need go (a skipped event, a failed seed). */
  warn: (msg: string) => void;
}

export interface Watcher {
  stop(): Promise<void>;
}

/**
 * A sleep that `wake()` ends early (true when woken); a wake while nobody
 * sleeps ends the next sleep at once, so none is lost.
 */
class Pause {
  private wakeUp: (() => void) | null = null;
  private pending = false;
  for(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve(false);
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve(true);
      };
    });
  }
  /** Forgets a wake nobody slept through: the caller is about to do what it asked for. */
  drop(): void {
    this.pending = false;
  }
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }
}

/** Actors whose transitions may change the nodes table: poll `node.ls` at once rather than at the next tick. */
const changesNodes = (actor: string) => actor === "node" || actor === "raft" || actor.startsWith("liveness-");
/** A task actor's transition: the task list has moved (or is about to, once the status reaches the manager). */
const changesTasks = (actor: string) => actor.startsWith("task-");

/**
 * Feeds the model from the bus: every actor transition from the events
 * stream; each daemon found by discovery is asked for its actors' latest
 * transitions (so a late dashboard starts from the current state); the nodes
 * table from `node.ls` on a manager, polled and on relevant transitions; the
 * services and tasks from `service.ls` and `task.ls` on the same manager,
 * polled and shortly after task actors move.
 */
export async function startWatcher(nc: NatsConnection, model: DashboardModel, opts: WatcherOptions): Promise<Watcher> {
  let stopped = false;
  const seeded = new Set<string>();
  const discoverPause = new Pause();
  const nodesPause = new Pause();
  const servicesPause = new Pause();

  const sub = await subscribeEvents(
    nc,
    {},
    (t) => {
      model.applyTransition(t);
      // A daemon's first transition after a start: ask it for the rest of its actors.
      if (t.from === null) seeded.delete(t.node);
      if (!seeded.has(t.node)) void seed(t.node);
      if (changesNodes(t.actor)) nodesPause.wake();
      if (changesTasks(t.actor)) servicesPause.wake();
    },
    (reason, subject) => opts.warn(`skipped a message on ${subject}: ${reason}`),
  );

  const seed = async (name: string): Promise<void> => {
    seeded.add(name);
    try {
      const { actors } = await callDaemon(nc, name, "actors", {}, { timeoutMs: opts.callTimeoutMs });
      for (const t of actors) model.applyTransition(t);
    } catch (e) {
      seeded.delete(name);
      if (!stopped) opts.warn(`could not read the actors of ${name}: ${toRpcError(e).message}`);
    }
  };

  const discoverLoop = async (): Promise<void> => {
    while (!stopped) {
      const names = await discoverDaemons(nc, opts.discoverWindowMs);
      if (stopped) return;
      const before = new Set(
        model
          .daemonViews()
          .filter((d) => d.reachable)
          .map((d) => d.name),
      );
      model.discovered(names);
      for (const n of names) if (!seeded.has(n) || !before.has(n)) void seed(n);
      nodesPause.wake();
      if (model.snapshot({ timeline: 0 }).services.source === null) servicesPause.wake();
      await discoverPause.for(opts.pollMs);
    }
  };

  const pollNodes = async (): Promise<void> => {
    let firstError: string | null = null;
    for (const name of model.controlCandidates()) {
      try {
        const ls = await callDaemon(nc, name, "node.ls", {}, { timeoutMs: opts.callTimeoutMs });
        model.setNodes({ source: name, error: null, time: new Date().toISOString(), nodes: nodeViews(ls.nodes) });
        return;
      } catch (e) {
        firstError ??= toRpcError(e).dockerText;
      }
    }
    if (firstError === null) return;
    const last = model.snapshot({ timeline: 0 }).nodes;
    model.setNodes({ ...last, error: firstError });
  };

  const nodesLoop = async (): Promise<void> => {
    while (!stopped) {
      await pollNodes();
      await nodesPause.for(opts.pollMs);
    }
  };

  const pollServices = async (): Promise<void> => {
    let firstError: string | null = null;
    for (const name of model.controlCandidates()) {
      try {
        const call = { timeoutMs: opts.callTimeoutMs };
        const [ls, ps] = await Promise.all([
          callDaemon(nc, name, "service.ls", {}, call),
          callDaemon(nc, name, "task.ls", {}, call),
        ]);
        model.setServices({
          source: name,
          error: null,
          time: new Date().toISOString(),
          services: serviceViews(ls.services),
          tasks: taskViews(ps.tasks, ps.nodeNames, ps.serviceNames),
        });
        return;
      } catch (e) {
        firstError ??= toRpcError(e).dockerText;
      }
    }
    if (firstError === null) return;
    const last = model.snapshot({ timeline: 0 }).services;
    model.setServices({ ...last, error: firstError });
  };

  const servicesLoop = async (): Promise<void> => {
    while (!stopped) {
      await pollServices();
      const woken = await servicesPause.for(opts.pollMs);
      // A task's transitions come in bursts (accepted → … → running within milliseconds): one call for the burst.
      if (woken && !stopped) {
        await new Promise((resolve) => setTimeout(resolve, opts.taskDebounceMs));
        servicesPause.drop();
      }
    }
  };

  const loops = [discoverLoop(), nodesLoop(), servicesLoop()];
  return {
    async stop() {
      stopped = true;
      discoverPause.wake();
      nodesPause.wake();
      servicesPause.wake();
      await Promise.allSettled(loops);
      await sub.stop();
    },
  };
}

import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ApiTask } from "../../src/bus/daemon-contract.ts";
import { type DaemonApiServer, serveDaemonApi } from "../../src/bus/daemon-server.ts";
import { okReply } from "../../src/bus/envelope.ts";
import type { ActorTransition } from "../../src/bus/events.ts";
import { subjects } from "../../src/bus/subjects.ts";
import { DashboardModel } from "../../src/inspect/dashboard/model.ts";
import { startWatcher, type Watcher } from "../../src/inspect/dashboard/watcher.ts";
import { useNatsServer } from "../support/nats-server.ts";
import { waitFor } from "../support/wait-for.ts";

/*
 * A stand-in daemon m1 on a real nats-server: it answers discovery and the verbs the dashboard
 * calls, and counts its task.ls calls. The watcher polls only once a minute here, so what it
 * asks sooner it asks because of a task actor's move.
 */
const nats = useNatsServer(test);
let daemon: NatsConnection;
let api: DaemonApiServer;
let watcher: Watcher | undefined;
const model = new DashboardModel();
let tasks: ApiTask[] = [];
let taskLsCalls = 0;

const task = (id: string, state: string): ApiTask => ({
  ID: id,
  Version: { Index: 1 },
  CreatedAt: "2026-01-01T12:00:00Z",
  UpdatedAt: "2026-01-01T12:00:00Z",
  Labels: {},
  Spec: { ContainerSpec: { Image: "sleep" } },
  ServiceID: "s1",
  Slot: 1,
  NodeID: "n1",
  Status: { Timestamp: "2026-01-01T12:00:00Z", State: state, Message: "" },
  DesiredState: "running",
});

test.before(async () => {
  daemon = await nats.connect("m1", { role: "daemon", name: "m1" });
  daemon.subscribe(subjects().daemonsDiscover(), {
    callback: (_err, msg) => {
      msg.respond(JSON.stringify(okReply({ name: "m1" })));
    },
  });
  api = serveDaemonApi(daemon, "m1", {
    actors: async () => ({ actors: [] }),
    "node.ls": async () => ({ self: "", nodes: [] }),
    "service.ls": async () => ({ services: [] }),
    "task.ls": async () => {
      taskLsCalls++;
      return { tasks, nodeNames: { n1: "m1" }, serviceNames: { s1: "web" } };
    },
  });
});
test.after(async () => {
  await watcher?.stop();
  await api?.stop();
});

const publishTaskMove = (id: string, state: string) => {
  const t: ActorTransition = {
    node: "m1",
    actor: `task-${id}`,
    state,
    from: null,
    event: "xstate.init",
    time: new Date().toISOString(),
  };
  daemon.publish(subjects().events("m1", `task-${id}`), JSON.stringify(t));
};

test("a task actor's move makes the dashboard read the tasks again at once, a burst of moves in few calls", async () => {
  const dashboardNc = await nats.connect("dashboard");
  watcher = await startWatcher(dashboardNc, model, {
    pollMs: 60_000,
    taskDebounceMs: 50,
    discoverWindowMs: 200,
    callTimeoutMs: 5_000,
    warn: () => {},
  });
  // The first read follows the first discovery round, not the first poll a minute later.
  await waitFor(() => model.snapshot().services.source === "m1", { timeoutMs: 5_000, what: "the first task ls" });
  const before = taskLsCalls;

  tasks = [task("t1", "running")];
  for (const s of ["live.ACCEPTED", "live.PREPARING", "live.READY", "live.STARTING", "live.RUNNING"])
    publishTaskMove("t1", s);
  const seen = await waitFor(() => model.snapshot().services.tasks.find((t) => t.id === "t1"), {
    timeoutMs: 3_000,
    what: "the task read again after its actor moved",
  });
  assert.is(seen.state, "running");
  assert.is(seen.name, "web.1");
  assert.ok(taskLsCalls - before <= 2, `${taskLsCalls - before} task ls calls for one burst of 5 moves`);
  // The page learns the task's machine with the move.
  assert.is(model.snapshot().actors.find((a) => a.actor === "task-t1")?.machine, "task");
});

test.run();

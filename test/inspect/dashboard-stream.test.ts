import { test } from "uvu";
import * as assert from "uvu/assert";
import { machineLayouts } from "../../src/inspect/dashboard/index.ts";
import { DashboardModel } from "../../src/inspect/dashboard/model.ts";
import { type DashboardServer, startDashboardServer } from "../../src/inspect/dashboard/server.ts";
import { nextMatching } from "../support/wait-for.ts";

let server: DashboardServer;
const model = new DashboardModel();
const reader = new AbortController();

test.before(async () => {
  server = await startDashboardServer({ host: "127.0.0.1", port: 0, model, layouts: await machineLayouts() });
});
test.after(async () => {
  reader.abort();
  await server.close();
});

/** The server-sent events of one response, as `{ event, data }`, read as they arrive. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: unknown }> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
      end = buffer.indexOf("\n\n");
    }
  }
}

const next = <T>(stream: AsyncIterable<T>, what: string) => nextMatching(stream, () => true, { timeoutMs: 5000, what });

test("/api/events sends the snapshot first, then each transition, nodes and daemons change as it happens", async () => {
  model.applyTransition({
    node: "m1",
    actor: "clusterState",
    state: "active",
    from: null,
    event: "xstate.init",
    time: new Date().toISOString(),
  });
  const res = await fetch(new URL("/api/events", server.url), { signal: reader.signal });
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const it = events(res.body!);

  const first = await next(it, "the snapshot");
  assert.is(first.event, "snapshot");
  assert.is((first.data as { actors: unknown[] }).actors.length, 1);

  model.applyTransition({
    node: "m1",
    actor: "raft",
    state: "leader",
    from: "candidate",
    event: "CORE_STATE",
    time: new Date().toISOString(),
    context: { raftId: "5", term: 3, lead: "5" },
  });
  const moved = await next(it, "the raft transition");
  assert.is(moved.event, "transition");
  const u = moved.data as { actor: { actor: string; machine: string }; raft: unknown; entry: { state: string } };
  assert.is(u.actor.actor, "raft");
  assert.is(u.actor.machine, "raft");
  assert.is(u.entry.state, "leader");
  assert.equal(u.raft, { term: 3, leader: "m1" });

  model.setNodes({ source: "m1", error: "Error response from daemon: no leader", time: null, nodes: [] });
  const nodes = await next(it, "the nodes update");
  assert.is(nodes.event, "nodes");
  assert.is((nodes.data as { nodes: { error: string } }).nodes.error, "Error response from daemon: no leader");

  model.discovered(["m1", "w9"]);
  const daemons = await next(it, "the daemons update");
  assert.is(daemons.event, "daemons");
});

test.run();

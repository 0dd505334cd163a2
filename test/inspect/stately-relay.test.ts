import { createServer } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import { type InspectorRelay, startInspectorRelay } from "../../src/inspect/stately/relay.ts";
import { freePort } from "../../src/net/free-port.ts";
import { viewer } from "../support/stately-viewer.ts";

let relay: InspectorRelay;
const open: WebSocket[] = [];
test.before(async () => {
  relay = await startInspectorRelay({ port: await freePort() });
});
test.after(async () => {
  for (const ws of open) ws.terminate();
  await relay.stop();
});

/** A daemon's side of the relay, sending Stately events by hand. */
async function source() {
  const ws = new WebSocket(relay.url);
  open.push(ws);
  const got: string[] = [];
  ws.on("message", (d) => got.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const send = (e: object) => ws.send(JSON.stringify({ _version: "0.7.2", createdAt: "0", id: null, ...e }));
  return { ws, got, send };
}

const actor = (sessionId: string, name: string, value: string) => ({
  type: "@xstate.actor",
  sessionId,
  name,
  snapshot: { status: "active", value },
});
const snapshot = (sessionId: string, value: string, status = "active") => ({
  type: "@xstate.snapshot",
  sessionId,
  event: { type: "GO" },
  snapshot: { status, value },
});

test("the relay serves the viewer page: Stately's inspector, fed from this relay", async () => {
  const res = await fetch(relay.viewerUrl);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, 'src="https://stately.ai/inspect"');
  assert.match(html, "@statelyai.connected");
  assert.is((await fetch(`${relay.viewerUrl}favicon.ico`)).status, 404);
});

test("viewers get what sources send; sources get nothing back; garbage is dropped", async () => {
  const a = await source();
  const b = await source();
  const v = await viewer(relay.viewerSocketUrl);
  a.send(actor("a/1/x:0", "a/node", "idle"));
  b.send(actor("b/1/x:0", "b/node", "idle"));
  b.ws.send("not json");
  b.ws.send(JSON.stringify({ type: "@xstate.nonsense", sessionId: "b/1/x:9" }));
  a.send(snapshot("a/1/x:0", "busy"));
  await v.waitFor((e) => e.sessionId === "a/1/x:0" && e.snapshot?.value === "busy", "a's snapshot", 5000);
  await v.waitFor((e) => e.sessionId === "b/1/x:0", "b's actor", 5000);
  // Each source's order is kept; the two sources interleave as they come.
  assert.equal(v.seen.map((e) => `${e.type} ${e.sessionId}`).sort(), [
    "@xstate.actor a/1/x:0",
    "@xstate.actor b/1/x:0",
    "@xstate.snapshot a/1/x:0",
  ]);
  assert.equal(
    v.seen.filter((e) => e.sessionId.startsWith("a/")).map((e) => e.type),
    ["@xstate.actor", "@xstate.snapshot"],
  );
  assert.equal(a.got, []);
  assert.equal(b.got, []);
  await v.close();
});

test("a late viewer is shown each live actor with its latest snapshot, and not the finished ones", async () => {
  // A viewer that is there all along tells when the relay has it all.
  const first = await viewer(relay.viewerSocketUrl);
  const s = await source();
  s.send(actor("c/1/x:0", "c/raft", "follower"));
  s.send(snapshot("c/1/x:0", "candidate"));
  s.send(snapshot("c/1/x:0", "leader"));
  s.send({ type: "@xstate.event", sessionId: "c/1/x:0", event: { type: "CORE_STATE" } });
  s.send(actor("c/1/x:1", "c/session/heartbeat", "x"));
  s.send(snapshot("c/1/x:1", "x", "done"));
  await first.waitFor((e) => e.sessionId === "c/1/x:1" && e.snapshot?.status === "done", "the done snapshot", 5000);
  await first.close();
  const late = await viewer(relay.viewerSocketUrl);
  const raft = await late.waitFor((e) => e.sessionId === "c/1/x:0" && e.type === "@xstate.snapshot", "replay", 5000);
  assert.is(raft.snapshot?.value, "leader");
  const mine = late.seen.filter((e) => e.sessionId.startsWith("c/"));
  assert.equal(
    mine.map((e) => `${e.type} ${e.sessionId}`),
    ["@xstate.actor c/1/x:0", "@xstate.snapshot c/1/x:0"],
  );
  await late.close();
});

test("when a source goes away, viewers see its actors stop and late viewers no longer see them", async () => {
  const s = await source();
  const v = await viewer(relay.viewerSocketUrl);
  s.send(actor("d/1/x:0", "d/node", "running"));
  await v.waitFor((e) => e.sessionId === "d/1/x:0", "d's actor", 5000);
  s.ws.close();
  const stop = await v.waitFor((e) => e.sessionId === "d/1/x:0" && e.snapshot?.status === "stopped", "d stopped", 5000);
  assert.is(stop.type, "@xstate.snapshot");
  assert.is(stop.snapshot?.value, "running");
  await v.close();
  const late = await viewer(relay.viewerSocketUrl);
  await late.waitFor((e) => e.sessionId.startsWith("c/"), "the replay", 5000);
  assert.not.ok(late.seen.some((e) => e.sessionId === "d/1/x:0"));
  await late.close();
});

test("a taken port is a clear error, not a crash", async () => {
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", () => resolve()));
  try {
    await startInspectorRelay({ port }).then(
      (r) => r.stop().then(() => assert.unreachable("the relay started on a taken port")),
      (e: Error) => assert.match(e.message, `cannot start the inspector relay on 127.0.0.1 port ${port}`),
    );
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test.run();

import { createServer, type Server } from "node:http";
import { type Browser, chromium } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import { type InspectorRelay, startInspectorRelay } from "../../src/inspect/stately/relay.ts";
import { freePort } from "../../src/net/free-port.ts";

// Stately's inspector needs the internet; a stand-in speaks its browser-receiver handshake:
// it tells its parent `@statelyai.connected`, then keeps every inspection event it is posted.
const standIn = `<!doctype html><script>
  window.received = [];
  window.addEventListener("message", (e) => { if (e.data && e.data._version) window.received.push(e.data); });
  setTimeout(() => parent.postMessage({ type: "@statelyai.connected" }, "*"), 300);
</script>`;

let inspector: Server;
let relay: InspectorRelay;
let browser: Browser;
let daemon: WebSocket;

test.before(async () => {
  const port = await freePort();
  inspector = createServer((_, res) => res.end(standIn));
  await new Promise<void>((resolve) => inspector.listen(port, "127.0.0.1", () => resolve()));
  relay = await startInspectorRelay({ port: await freePort(), inspectorUrl: `http://127.0.0.1:${port}/` });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
});
test.after(async () => {
  daemon?.terminate();
  await browser?.close();
  await relay?.stop();
  await new Promise<void>((resolve) => inspector.close(() => resolve()));
});

test("the viewer page hands the relay's events to the inspector once it is listening", async () => {
  daemon = new WebSocket(relay.url);
  await new Promise<void>((resolve) => daemon.once("open", () => resolve()));
  const event = (e: object) => daemon.send(JSON.stringify({ _version: "0.7.2", createdAt: "0", id: null, ...e }));
  event({
    type: "@xstate.actor",
    sessionId: "m1/1/x:0",
    name: "m1/raft",
    snapshot: { status: "active", value: "follower" },
  });

  const page = await browser.newPage();
  await page.goto(relay.viewerUrl);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(frame, "the inspector is embedded");
  // Sent before the inspector said it listens: held, then delivered.
  await frame.waitForFunction("window.received.length >= 1", undefined, { timeout: 10_000 });
  event({
    type: "@xstate.snapshot",
    sessionId: "m1/1/x:0",
    event: { type: "CORE_STATE" },
    snapshot: { value: "leader" },
  });
  await frame.waitForFunction("window.received.length >= 2", undefined, { timeout: 10_000 });
  const received = (await frame.evaluate("window.received")) as {
    type: string;
    name?: string;
    snapshot: { value: string };
  }[];
  assert.equal(
    received.map((e) => [e.type, e.snapshot.value]),
    [
      ["@xstate.actor", "follower"],
      ["@xstate.snapshot", "leader"],
    ],
  );
  assert.is(received[0]?.name, "m1/raft");
});

test.run();

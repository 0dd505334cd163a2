import { test } from "uvu";
import * as assert from "uvu/assert";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { serveDaemonApi } from "../../src/bus/daemon-server.ts";
import { daemonAll } from "../../src/bus/subjects.ts";
import { isRpcError, type RpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { memoryLog } from "../support/memory-log.ts";
import { useBus } from "./support/bus.ts";

const bus = useBus(test);

test("no daemon listening → Unavailable, in docker's words", async () => {
  const e = await rejection(() => callDaemon(bus.cli, "m7", "info", {}, { timeoutMs: 5000 }));
  assert.ok(isRpcError(e, "Unavailable"), String(e));
  assert.is(
    (e as RpcError).dockerText,
    `Error response from daemon: Cannot connect to the swarmbus daemon "m7" on ${bus.nats.url}. Is the daemon running?`,
  );
});

test("a daemon that stopped is unreachable again", async () => {
  const server = serveDaemonApi(
    bus.daemon,
    "m8",
    {
      info: async () => {
        throw new Error("unused");
      },
    },
    { log: memoryLog() },
  );
  await bus.daemon.flush();
  const before = await rejection(() => callDaemon(bus.cli, "m8", "info", {}, { timeoutMs: 5000 }));
  assert.ok(isRpcError(before, "Unknown"), "served while running");
  await server.stop();
  await bus.daemon.flush();
  const after = await rejection(() => callDaemon(bus.cli, "m8", "info", {}, { timeoutMs: 5000 }));
  assert.ok(isRpcError(after, "Unavailable"), String(after));
});

test("a reply that is not a reply envelope → Internal with a clear message", async () => {
  const sub = bus.daemon.subscribe(daemonAll("rogue"), {
    callback: (_err, msg) => {
      msg.respond(msg.subject.endsWith(".info") ? "<html>hello</html>" : JSON.stringify({ status: "fine" }));
    },
  });
  await bus.daemon.flush();
  try {
    const e1 = await rejection(() => callDaemon(bus.cli, "rogue", "info", {}, { timeoutMs: 5000 }));
    assert.ok(isRpcError(e1, "Internal"), String(e1));
    assert.match(
      (e1 as Error).message,
      /the swarmbus daemon "rogue" sent a reply that is not JSON: <html>hello<\/html>/,
    );
    const e2 = await rejection(() => callDaemon(bus.cli, "rogue", "node.ls", {}, { timeoutMs: 5000 }));
    assert.ok(isRpcError(e2, "Internal"), String(e2));
    assert.match((e2 as Error).message, /the swarmbus daemon "rogue" sent an invalid reply/);
  } finally {
    sub.unsubscribe();
  }
});

test("a daemon that never answers → DeadlineExceeded 'context deadline exceeded'", async () => {
  const sub = bus.daemon.subscribe(daemonAll("mute"), { callback: () => {} });
  await bus.daemon.flush();
  try {
    const e = await rejection(() => callDaemon(bus.cli, "mute", "info", {}, { timeoutMs: 200 }));
    assert.ok(isRpcError(e, "DeadlineExceeded"), String(e));
    assert.is((e as RpcError).grpcText, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
  } finally {
    sub.unsubscribe();
  }
});

test.run();

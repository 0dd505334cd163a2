import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { serveDaemonApi } from "../../src/bus/daemon-server.ts";
import { ReplySchema } from "../../src/bus/envelope.ts";
import { daemon } from "../../src/bus/subjects.ts";
import { Code, isRpcError, RpcError, rpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { onTeardown } from "../support/fixture.ts";
import { memoryLog } from "../support/memory-log.ts";
import { useBus } from "./support/bus.ts";
import { inactiveInfo as info } from "./support/inactive-info.ts";

const bus = useBus(test);
let stop: () => Promise<void>;
const log = memoryLog();
const seen: unknown[] = [];

test.before(async () => {
  const server = serveDaemonApi(
    bus.daemon,
    "m1",
    {
      info: async () => info,
      "join-token": async (req) => {
        seen.push(req);
        return { role: req.role, token: `SWMTKN-1-x-${req.role}`, advertiseAddr: "127.0.0.1:2377" };
      },
      "node.inspect": async (req) => {
        if (req.ref === "boom") throw new Error("kaboom");
        throw rpcError("NotFound", `node ${req.ref} not found`);
      },
      leave: async () => {
        throw rpcError("FailedPrecondition", "This node is not part of a swarm", { plain: true });
      },
    },
    { log },
  );
  stop = server.stop;
  await bus.daemon.flush();
});

onTeardown(test, async () => {
  await stop();
});

/** A raw request, as a misbehaving client would send it; returns the parsed reply. */
async function raw(verb: string, body: string | Uint8Array): Promise<unknown> {
  const msg = await bus.cli.request(daemon("m1", verb), body, { timeout: 5000 });
  return msg.json();
}

test("a good call returns the handler's result, with the validated request", async () => {
  const r = await callDaemon(bus.cli, "m1", "join-token", { role: "manager" }, { timeoutMs: 5000 });
  assert.equal(r, { role: "manager", token: "SWMTKN-1-x-manager", advertiseAddr: "127.0.0.1:2377" });
  assert.equal(seen.at(-1), { role: "manager" });
  assert.equal(await callDaemon(bus.cli, "m1", "info", {}, { timeoutMs: 5000 }), info);
});

test("an empty payload counts as {} (a bare `nats req …info`)", async () => {
  const r = (await raw("info", "")) as { ok: boolean; result?: unknown };
  assert.equal(r, { ok: true, result: info });
});

test("garbage bytes are answered InvalidArgument 'invalid request payload: …'", async () => {
  const r = (await raw("join-token", new Uint8Array([0xff, 0x00, 0x7b, 0x13]))) as {
    ok: boolean;
    error: { code: number; message: string };
  };
  assert.is(r.ok, false);
  assert.is(r.error.code, Code.InvalidArgument);
  assert.match(r.error.message, /^invalid request payload: /);
});

test("a request of the wrong shape is answered InvalidArgument naming the field", async () => {
  const e1 = await rejection(() =>
    callDaemon(bus.cli, "m1", "join-token", { role: "admin" } as never, { timeoutMs: 5000 }),
  );
  assert.ok(isRpcError(e1, "InvalidArgument"), String(e1));
  assert.match((e1 as Error).message, /^invalid join-token request: role: /);

  const e2 = await rejection(() =>
    callDaemon(bus.cli, "m1", "join-token", { role: "worker", rotate: "yes" } as never, { timeoutMs: 5000 }),
  );
  assert.ok(isRpcError(e2, "InvalidArgument"));
  assert.match((e2 as Error).message, /rotate: /);

  const e3 = await rejection(() => callDaemon(bus.cli, "m1", "info", { verbose: true } as never, { timeoutMs: 5000 }));
  assert.ok(isRpcError(e3, "InvalidArgument"));
  assert.match((e3 as Error).message, /verbose/);

  const r = (await raw("join-token", "[1,2]")) as { ok: boolean; error: { code: number } };
  assert.is(r.error.code, Code.InvalidArgument);
});

test("an unknown verb is answered Unimplemented 'unknown command <verb>'", async () => {
  const r = (await raw("frobnicate", "{}")) as { ok: boolean; error: { code: number; message: string } };
  assert.equal(r, { ok: false, error: { code: Code.Unimplemented, message: "unknown command frobnicate" } });
  const r2 = (await raw("node.frob", "{}")) as { ok: boolean; error: { code: number; message: string } };
  assert.is(r2.error.message, "unknown command node.frob");
});

test("a known verb this daemon has no handler for is Unimplemented", async () => {
  const e = await rejection(() => callDaemon(bus.cli, "m1", "node.ls", {}, { timeoutMs: 5000 }));
  assert.ok(isRpcError(e, "Unimplemented"));
  assert.is((e as Error).message, "command node.ls is not implemented by this daemon");
});

test("a handler's RpcError reaches the caller with its code, message and plainness", async () => {
  const e = await rejection(() => callDaemon(bus.cli, "m1", "node.inspect", { ref: "w9" }, { timeoutMs: 5000 }));
  assert.ok(isRpcError(e, "NotFound"));
  assert.is(
    (e as RpcError).dockerText,
    "Error response from daemon: rpc error: code = NotFound desc = node w9 not found",
  );

  const p = await rejection(() => callDaemon(bus.cli, "m1", "leave", {}, { timeoutMs: 5000 }));
  assert.ok(p instanceof RpcError);
  assert.is((p as RpcError).dockerText, "Error response from daemon: This node is not part of a swarm");
});

test("a handler that throws a plain Error is answered Unknown and the daemon keeps serving", async () => {
  const e = await rejection(() => callDaemon(bus.cli, "m1", "node.inspect", { ref: "boom" }, { timeoutMs: 5000 }));
  assert.ok(isRpcError(e, "Unknown"));
  assert.is((e as Error).message, "kaboom");
  assert.ok(
    log.lines.some((l) => l.obj.err === "kaboom"),
    "the failure is logged",
  );
  // after garbage, bad shapes, unknown verbs and throwing handlers: still serving
  const r = await callDaemon(bus.cli, "m1", "join-token", { role: "worker" }, { timeoutMs: 5000 });
  assert.is(r.token, "SWMTKN-1-x-worker");
});

test("whatever bytes arrive on any verb, the daemon answers with a well-formed reply", async () => {
  const verbs = ["info", "join", "join-token", "node.inspect", "node.ls", "leave", "nope", "node.nope"];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...verbs),
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.json().map((j) => new TextEncoder().encode(j)),
      ),
      async (verb, body) => {
        const reply = ReplySchema.parse(await raw(verb, body));
        if (!reply.ok) {
          assert.ok(
            [Code.InvalidArgument, Code.Unimplemented, Code.NotFound, Code.Unknown, Code.FailedPrecondition].includes(
              reply.error.code as never,
            ),
            JSON.stringify(reply),
          );
        }
      },
    ),
    { numRuns: 150 },
  );
  const r = await callDaemon(bus.cli, "m1", "join-token", { role: "worker" }, { timeoutMs: 5000 });
  assert.is(r.role, "worker");
});

test("many concurrent calls are each answered", async () => {
  const roles = Array.from({ length: 50 }, (_, i) => (i % 2 ? "worker" : "manager") as "worker" | "manager");
  const rs = await Promise.all(roles.map((role) => callDaemon(bus.cli, "m1", "join-token", { role })));
  assert.equal(
    rs.map((r) => r.role),
    roles,
  );
});

test.run();

import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { Code } from "../../src/rpc/status.ts";
import { useSwarm } from "../support/swarm.ts";

/**
 * Issue 11 §6: a 1 MiB body or a 10,000-deep `[[[[…]]]]` sent to a daemon verb
 * and to a control method is refused with a coded error that says what was
 * wrong, before it is parsed; the daemon answers the next good request.
 */
const swarm = useSwarm(test);
let nc: NatsConnection;
/** `<p>.cluster.<cid>.control.<method>.<m1's node ID>`: a call m1's own daemon would make. */
let controlMethod: (method: string) => string = () => "";

interface WireReply {
  ok: boolean;
  error?: { code: number; message: string };
}

const MiB = 1024 * 1024;
/** JSON text of exactly `bytes` bytes: a join-token request padded with a field. */
const oneMiB = () => {
  const head = '{"role":"worker","pad":"';
  return `${head}${"x".repeat(MiB - head.length - 2)}"}`;
};
const deep = "[".repeat(10_000) + "]".repeat(10_000);

test.before(async () => {
  await swarm.initManager("m1", await freePort());
  const info = await swarm.json<SwarmInfo>("m1", "info", "--format", "json");
  // The manager's own daemon is the caller: a manager, so only the body can be wrong.
  controlMethod = (method) => `${subjects().prefix}.cluster.${info.Cluster?.ID}.control.${method}.${info.NodeID}`;
  nc = await swarm.nats.connect("e2e-oversized-input");
});

async function send(subject: string, body: string): Promise<WireReply> {
  return (await nc.request(subject, body, { timeout: 10_000 })).json<WireReply>();
}

function refused(r: WireReply, code: number, message: string | RegExp): void {
  assert.is(r.ok, false, "the request is refused");
  assert.is(r.error?.code, code, r.error?.message);
  if (typeof message === "string") assert.is(r.error?.message, message);
  else assert.match(r.error?.message ?? "", message);
}

async function stillServes(): Promise<void> {
  const r = await swarm.cli("m1", "swarm", "join-token", "-q", "worker");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), /^SWMTKN-1-/);
}

test("a daemon verb: 1 MiB is ResourceExhausted, 10,000 levels InvalidArgument; the daemon serves on", async () => {
  const verb = subjects().daemon("m1", "join-token");
  assert.is(oneMiB().length, MiB);
  refused(
    await send(verb, oneMiB()),
    Code.ResourceExhausted,
    "a join-token request is 1048576 bytes, more than the 65536 allowed",
  );
  refused(await send(verb, deep), Code.InvalidArgument, "a join-token request nests deeper than 4 levels");
  await stillServes();
});

test("a control method: the same refusals from the manager, which serves on", async () => {
  const method = controlMethod("joinTokens");
  refused(
    await send(method, oneMiB()),
    Code.ResourceExhausted,
    "a joinTokens request is 1048576 bytes, more than the 65536 allowed",
  );
  refused(await send(method, deep), Code.InvalidArgument, "a joinTokens request nests deeper than 8 levels");
  await stillServes();
});

test.run();

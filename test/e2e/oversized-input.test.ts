import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { Code } from "../../src/rpc/status.ts";
import { useSwarm } from "../support/swarm.ts";
import { assertRefused as refused, type WireReply } from "../support/wire-refusal.ts";

/**
 * Issue 11 §6: a 1 MiB body or a 10,000-deep `[[[[…]]]]` sent to a daemon verb
 * and to a control method is refused with a coded error that says what was
 * wrong, before it is parsed; the daemon answers the next good request.
 */
const swarm = useSwarm(test);
let nc: NatsConnection;
/** `<p>.cluster.<cid>.control.<method>.<m1's node ID>`: a call m1's own daemon would make. */
let controlMethod: (method: string) => string = () => "";

const MiB = 1024 * 1024;
/** JSON text of exactly 1 MiB: a join-token request padded with a field. */
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
  // Past the server's permissions (no credential of the swarm may send this): the receiver's own check is on trial.
  nc = await swarm.nats.connect("e2e-oversized-input", "unrestricted");
});

async function send(subject: string, body: string): Promise<WireReply> {
  return (await nc.request(subject, body, { timeout: 10_000 })).json<WireReply>();
}

async function stillServes(): Promise<void> {
  const r = await swarm.cli("m1", "swarm", "join-token", "-q", "worker");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), /^SWMTKN-1-/);
}

/** Where each kind of request goes, and the depth its bound allows. */
const targets = () => [
  { subject: subjects().daemon("m1", "join-token"), name: "join-token", depth: 8 },
  { subject: controlMethod("joinTokens"), name: "joinTokens", depth: 8 },
];

test("1 MiB is ResourceExhausted, 10,000 levels InvalidArgument, to a daemon verb and a control method; m1 serves on", async () => {
  assert.is(oneMiB().length, MiB);
  for (const t of targets()) {
    const big = `a ${t.name} request is 1048576 bytes, more than the 65536 allowed`;
    refused(await send(t.subject, oneMiB()), Code.ResourceExhausted, big);
    refused(
      await send(t.subject, deep),
      Code.InvalidArgument,
      `a ${t.name} request nests deeper than ${t.depth} levels`,
    );
    await stillServes();
  }
});

test.run();

import { headers, type NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { Code } from "../../src/rpc/status.ts";
import { useSwarm } from "../support/swarm.ts";
import { assertRefused, NOT_A_MANAGER, type WireReply } from "../support/wire-refusal.ts";

/**
 * Issue 11 §5: someone with a bus connection (the shared daemon credentials are
 * all it takes today) asks a real swarm's managers for the unlock key and the
 * join tokens, naming a worker or a node that does not exist as the caller,
 * relays a call as a worker, or asks to join the raft as another node. Each is
 * refused PermissionDenied with SwarmKit's words; the manager's own daemon is
 * served as before.
 */
const swarm = useSwarm(test);
let nc: NatsConnection;
let clusterId = "";
let managerId = "";
let workerId = "";

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
  const info = await swarm.json<SwarmInfo>("m1", "info", "--format", "json");
  clusterId = info.Cluster?.ID ?? "";
  managerId = info.NodeID ?? "";
  workerId = (await swarm.json<SwarmInfo>("w1", "info", "--format", "json")).NodeID ?? "";
  // Past the server's permissions (no credential of the swarm may send this): the receiver's own check is on trial.
  nc = await swarm.nats.connect("e2e-control-caller", "unrestricted");
});

async function call(rest: string, body = "{}", hdr: Record<string, string> = {}): Promise<WireReply> {
  const h = headers();
  for (const [k, v] of Object.entries(hdr)) h.set(k, v);
  const subject = `${subjects().prefix}.cluster.${clusterId}.control.${rest}`;
  return (await nc.request(subject, body, { timeout: 5000, headers: h })).json<WireReply>();
}

const refused = (r: WireReply, message: string) => assertRefused(r, Code.PermissionDenied, message);

test("the unlock key and the join tokens are refused to a caller that names a worker or an unknown node", async () => {
  assert.ok(clusterId && managerId && workerId, "the swarm's IDs are known");
  for (const method of ["getUnlockKey", "joinTokens"]) {
    for (const caller of [workerId, "n0body0n0de0id0000000000"]) {
      refused(await call(`${method}.${caller}`), `Permission denied: unauthorized peer role: ${NOT_A_MANAGER}`);
    }
  }
  refused(
    await call(`rotateJoinToken.${workerId}`, '{"role":"manager"}'),
    `Permission denied: unauthorized peer role: ${NOT_A_MANAGER}`,
  );
});

test("a call relayed by a worker is refused, whoever it claims to relay", async () => {
  refused(
    await call(`joinTokens.${workerId}`, "{}", { "Swarmbus-Forwarded-Caller": managerId }),
    `Permission denied: unauthorized forwarder role: ${NOT_A_MANAGER}`,
  );
});

test("a raft join naming another node than the caller is refused; the manager keeps its address", async () => {
  refused(
    await call(`raftJoin.${managerId}`, JSON.stringify({ nodeId: workerId, addr: "127.0.0.1:1" })),
    `Permission denied: node ${managerId} cannot join the raft as node ${workerId}`,
  );
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /Leader/);
});

test("the manager's own daemon is served as before: tokens, rotation, node ls", async () => {
  const tokens = await swarm.cli("m1", "swarm", "join-token", "-q", "manager");
  assert.is(tokens.code, 0, tokens.stderr);
  assert.match(tokens.stdout.trim(), /^SWMTKN-1-/);
  const rotate = await swarm.cli("m1", "swarm", "join-token", "--rotate", "-q", "worker");
  assert.is(rotate.code, 0, rotate.stderr);
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.code, 0, ls.stderr);
  assert.is(ls.stdout.trim().split("\n").length, 3, ls.stdout);
  const onWorker = await swarm.cli("w1", "swarm", "join-token", "worker");
  assert.is.not(onWorker.code, 0, "a worker's daemon has no control API");
});

test.run();

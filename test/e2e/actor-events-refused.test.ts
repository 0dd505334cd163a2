import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { Code } from "../../src/rpc/status.ts";
import { listing } from "../support/dir-listing.ts";
import { lsRow, parseNodeLs } from "../support/node-ls.ts";
import { useSwarm } from "../support/swarm.ts";

/**
 * Issue 11 §4, §6: someone on the bus sends events to a one-manager swarm's
 * actors — the ones that today erase the swarm, mark a healthy node Down or
 * leave `info` in error. Each is refused with a coded error and nothing a user
 * sees changes: `info`, `node ls` and the state dir stay as they were.
 */
const swarm = useSwarm(test);
let nc: NatsConnection;
let nodeId = "";
let before: { info: string; nodeLs: string; stateDir: string[] };

interface WireReply {
  ok: boolean;
  error?: { code: number; message: string };
}

/**
 * The state dir without what a healthy manager writes as it runs: the Raft
 * log's segments and snapshots, and the temp file of an atomic write in flight.
 */
const stateDir = async () =>
  (await listing(join(swarm.dir, "m1"))).filter((l) => !/\.(wal|snap)$|\/\.[^/]*\.tmp-[^/]*$/.test(l));

/** What `info` tells a user about the swarm (not the cluster object's timestamps). */
const SWARM_FACTS = ["LocalNodeState", "Error", "NodeID", "ControlAvailable", "Nodes", "Managers", "RemoteManagers"];
const swarmFacts = (json: string): Record<string, unknown> => {
  const info = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(SWARM_FACTS.map((k) => [k, info[k]]));
};

async function seen() {
  const info = await swarm.cli("m1", "info", "--format", "json");
  const nodeLs = await swarm.cli("m1", "node", "ls");
  assert.is(info.code, 0, info.stderr);
  assert.is(nodeLs.code, 0, nodeLs.stderr);
  return { info: info.stdout, nodeLs: nodeLs.stdout, stateDir: await stateDir() };
}

async function send(actor: string, body: string | Uint8Array): Promise<WireReply> {
  return (await nc.request(subjects().actor("m1", actor), body, { timeout: 5000 })).json<WireReply>();
}

function refused(reply: WireReply, code: number, message: RegExp): void {
  assert.is(reply.ok, false, "the event is refused");
  assert.is(reply.error?.code, code, reply.error?.message);
  assert.match(reply.error?.message ?? "", message);
}

async function nothingChanged(): Promise<void> {
  const now = await seen();
  assert.equal(swarmFacts(now.info), swarmFacts(before.info), "info as before");
  assert.is(now.nodeLs, before.nodeLs, "node ls as before");
  assert.equal(now.stateDir, before.stateDir, "the state dir intact");
}

test.before(async () => {
  await swarm.initManager("m1", await freePort());
  nc = await swarm.nats.connect("e2e-actor-attacker");
  nodeId = (await swarm.json<{ NodeID: string }>("m1", "info", "--format", "json")).NodeID;
  before = await seen();
  assert.is(lsRow(parseNodeLs(before.nodeLs), "m1")?.status, "Ready");
  assert.equal(swarmFacts(before.info).LocalNodeState, "active");
});

test("LEAVE on the node actor is PermissionDenied: the last manager stays, as `swarm leave` without --force", async () => {
  refused(await send("node", '{"type":"LEAVE"}'), Code.PermissionDenied, /actor node does not take LEAVE from the bus/);
  const leave = await swarm.cli("m1", "swarm", "leave");
  assert.is.not(leave.code, 0, "the daemon API's guard still refuses");
  assert.match(leave.stderr, /--force/);
  await nothingChanged();
});

test("a forged HEARTBEAT with a bad grace on a liveness actor is PermissionDenied: the node stays Ready", async () => {
  const actor = `liveness-${nodeId}`;
  refused(
    await send(actor, '{"type":"HEARTBEAT","graceMs":"soon"}'),
    Code.PermissionDenied,
    new RegExp(`actor ${actor} does not take HEARTBEAT from the bus`),
  );
  refused(await send(actor, '{"type":"REMOVED"}'), Code.PermissionDenied, /does not take REMOVED/);
  await nothingChanged();
});

test("NODE_EXITED with an object for an error on clusterState is PermissionDenied: info shows no error", async () => {
  refused(
    await send("clusterState", '{"type":"NODE_EXITED","error":{}}'),
    Code.PermissionDenied,
    /actor clusterState does not take NODE_EXITED from the bus/,
  );
  for (const [actor, event] of [
    ["node", '{"type":"ROLE_CHANGED","role":"worker"}'],
    ["raft", '{"type":"REMOVED"}'],
    ["raft", '{"type":"CORE_STATE","role":"follower","term":99,"lead":"0"}'],
    ["session", '{"type":"STOP"}'],
  ] as const) {
    refused(await send(actor, event), Code.PermissionDenied, new RegExp(`actor ${actor} does not take`));
  }
  await nothingChanged();
});

test("an oversized or deeply nested body on an actor subject is refused before parsing; the daemon serves on", async () => {
  const big = JSON.stringify({ type: "LEAVE", pad: "x".repeat(200_000) });
  refused(
    await send("node", big),
    Code.ResourceExhausted,
    /an event for actor node is \d+ bytes, more than the \d+ allowed/,
  );
  const deep = `{"type":"LEAVE","a":${"[".repeat(5000)}${"]".repeat(5000)}}`;
  refused(await send("node", deep), Code.InvalidArgument, /an event for actor node nests deeper than \d+ levels/);
  await nothingChanged();
});

test.run();

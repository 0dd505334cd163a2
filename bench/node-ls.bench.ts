/**
 * `node ls` on a big swarm, without the swarm: a store filled with N nodes
 * (as the manager keeps them after N joins), served by a leader's control bus,
 * asked through a follower by a daemon API, asked by a CLI connection — the
 * two hops `swarmbus node ls` takes, over a real nats-server with its default
 * 1 MB max_payload (or --max-payload). Everything runs in this process, so the
 * figure is the bus and codec cost, not the store under load. Each side connects
 * as it does in a swarm: the managers with their manager credentials (the
 * daemon's control calls go on its manager's connection), the daemon with its
 * daemon's, the CLI as the admin; all over the TLS client port.
 *
 *   node --import tsx bench/node-ls.bench.ts --nodes 5000 --calls 10
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { type BusIdentity, inboxPrefixOf } from "../src/bus/auth/permissions.ts";
import { REPLY_CHUNK_HEADER } from "../src/bus/chunked-reply.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { type DaemonApiServer, serveDaemonApi } from "../src/bus/daemon-server.ts";
import { type NatsServerHandle, startNatsServer } from "../src/bus/nats-server.ts";
import { newId } from "../src/ca/ids.ts";
import { profiles } from "../src/config/profile.ts";
import type { Node__Output } from "../src/gen/docker/swarmkit/v1/Node.ts";
import { newNodeObject } from "../src/manager/ca-server.ts";
import {
  type ControlBusServer,
  type ControlHandlers,
  controlClient,
  serveControlBus,
} from "../src/manager/control-bus/index.ts";
import type { LeaderInfo } from "../src/manager/proxy/index.ts";
import { createMemoryStore } from "../src/manager/store.ts";
import { nodeFromGrpc } from "../src/node/convert.ts";
import { rpcError } from "../src/rpc/status.ts";
import { percentile } from "./percentile.ts";
import { connectAs } from "./support/bus-identity.ts";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "5000" },
    calls: { type: "string", default: "10" },
    "max-payload": { type: "string" },
  },
});
const N = Number(values.nodes);
const CALLS = Number(values.calls);
const maxPayload = values["max-payload"] === undefined ? undefined : Number(values["max-payload"]);
for (const [flag, v] of [
  ["nodes", N],
  ["calls", CALLS],
  ["max-payload", maxPayload ?? 1],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${flag}: expected a positive integer, got ${v}`);
}

const CLUSTER = newId();
const LEADER = "1";
const FOLLOWER = "2";
const DAEMON = "bench-ls";
const managerOf = (raftId: string): BusIdentity => ({ role: "manager", nodeId: `node-${raftId}`, clusterId: CLUSTER });
const daemonIdentity: BusIdentity = { role: "daemon", name: DAEMON };

/** A worker as the store holds it once it joined and registered: description, READY status, its certificate. */
function joinedNode(i: number): Node__Output {
  const id = newId();
  const n = newNodeObject(id, "WORKER", "ACTIVE");
  const secs = 1_795_000_000 + i;
  return {
    ...n,
    meta: {
      version: { index: String(10 + 3 * i) },
      created_at: { seconds: String(secs), nanos: 123_456_789 },
      updated_at: { seconds: String(secs + 60), nanos: 987_654_321 },
    },
    description: {
      hostname: `sim-${String(i).padStart(5, "0")}`,
      platform: { architecture: "x86_64", os: "linux" },
      resources: { nano_cpus: "2000000000", memory_bytes: "4102148096", generic: [] },
      engine: { engine_version: "swarmbus-0.1.0", labels: {}, plugins: [] },
      tls_info: null,
      fips: false,
    },
    status: { state: "READY", message: "", addr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    // A real node certificate is ~600-700 bytes of DER; its CSR a few hundred.
    certificate: n.certificate
      ? {
          ...n.certificate,
          csr: randomBytes(420),
          certificate: randomBytes(650),
          status: { state: "ISSUED", err: "" },
        }
      : null,
  } as Node__Output;
}

const fixedLeader = (self: string): LeaderInfo => ({
  isLeader: () => self === LEADER,
  leaderId: () => LEADER,
  leaderAddr: () => "127.0.0.1:2377",
  ticksWithNoLeader: () => 0,
  lostQuorum: () => false,
});

async function main(): Promise<void> {
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const nats: NatsServerHandle = await startNatsServer(maxPayload === undefined ? {} : { maxPayload });
    closers.push(() => nats.stop());
    const conn = async ([name, as]: readonly [string, BusIdentity | "unrestricted"]) => {
      const nc = await connectAs(nats, name, as);
      closers.push(() => nc.close());
      return nc;
    };
    const [leaderNc, followerNc, daemonNc, cliNc, spyNc] = await Promise.all(
      (
        [
          ["leader", managerOf(LEADER)],
          ["follower", managerOf(FOLLOWER)],
          ["daemon", daemonIdentity],
          ["cli", { role: "admin" }],
          // Reads every hop's replies, which no identity of the swarm may.
          ["spy", "unrestricted"],
        ] as const
      ).map(conn),
    );

    const store = createMemoryStore();
    const t0 = performance.now();
    await store.update((tx) => {
      for (let i = 0; i < N; i++) tx.putNode(joinedNode(i));
    });
    console.error(`store filled with ${N} nodes in ${(performance.now() - t0).toFixed(0)} ms`);

    const unimplemented = () => {
      throw rpcError("Unimplemented", "not in this benchmark");
    };
    const handlers: ControlHandlers = {
      listNodes: () =>
        store
          .view((tx) => tx.nodes())
          .slice()
          .sort((a, b) => a.id.localeCompare(b.id)),
      getNode: unimplemented,
      updateNode: unimplemented,
      removeNode: unimplemented,
      joinTokens: unimplemented,
      rotateJoinToken: unimplemented,
      clusterInfo: unimplemented,
      updateCluster: unimplemented,
    };
    const profile = profiles.swarm;
    const servers: ControlBusServer[] = [LEADER, FOLLOWER].map((raftId, i) =>
      serveControlBus({
        nc: [leaderNc, followerNc][i] as NatsConnection,
        clusterId: CLUSTER,
        self: { nodeId: `node-${raftId}`, raftId, addr: `127.0.0.${raftId}:2377` },
        callers: () => "manager",
        leader: fixedLeader(raftId),
        handlers,
        // One process, no Raft: the leader's reads have nothing to confirm.
        readBarrier: () => Promise.resolve(),
        profile,
      }),
    );
    for (const s of servers) closers.push(() => s.stop());
    // The daemon's control client goes through its own manager (a follower), as moby's local socket does,
    // on that manager's connection (ControlAccess): only its credentials may name it as the caller.
    const ctl = controlClient(followerNc as NatsConnection, CLUSTER, {
      timeoutMs: profile.requestTimeoutMs,
      caller: `node-${FOLLOWER}`,
      via: () => FOLLOWER,
    });
    const daemon: DaemonApiServer = serveDaemonApi(daemonNc as NatsConnection, DAEMON, {
      "node.ls": async () => ({ self: "", nodes: (await ctl.listNodes()).map(nodeFromGrpc) }),
    });
    closers.push(() => daemon.stop());

    // Bytes and chunks per reply inbox: one inbox per hop per call (the CLI's, and the follower manager's
    // for its own control call and for the call it forwards).
    const inboxes = new Map<string, { bytes: number; msgs: number; chunked: boolean }>();
    for (const prefix of [inboxPrefixOf({ role: "admin" }), inboxPrefixOf(managerOf(FOLLOWER))]) {
      spyNc?.subscribe(`${prefix}.>`, {
        callback: (_e, m: Msg) => {
          const s = inboxes.get(m.subject) ?? { bytes: 0, msgs: 0, chunked: false };
          s.bytes += m.data.length;
          s.msgs++;
          s.chunked ||= Boolean(m.headers?.get(REPLY_CHUNK_HEADER));
          inboxes.set(m.subject, s);
        },
      });
    }
    for (const nc of [leaderNc, followerNc, daemonNc, spyNc]) await nc?.flush();

    const ms: number[] = [];
    for (let c = 0; c < CALLS; c++) {
      await spyNc?.flush();
      inboxes.clear();
      const started = performance.now();
      const res = await callDaemon(cliNc as NatsConnection, DAEMON, "node.ls", {}, { timeoutMs: 60_000 });
      ms.push(performance.now() - started);
      if (res.nodes.length !== N) throw new Error(`node ls returned ${res.nodes.length} nodes, expected ${N}`);
    }
    await spyNc?.flush();
    const hops = [...inboxes.values()].sort((a, b) => b.bytes - a.bytes);
    const result = {
      nodes: N,
      calls: CALLS,
      maxPayload: leaderNc?.info?.max_payload,
      ms: { p50: percentile(ms, 50), max: Math.max(...ms), all: ms.map((v) => Math.round(v)) },
      // The last call's replies: the daemon's (moby JSON), then leader → follower and follower → daemon (protobuf).
      hops: hops.map((h) => ({ bytes: h.bytes, messages: h.msgs, chunked: h.chunked })),
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `node-ls-${new Date().toISOString().replace(/[:.]/g, "-")}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    for (const c of closers.reverse()) await c().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

import type { NatsConnection } from "@nats-io/transport-node";
import { type NatsServerHandle, startNatsServer } from "../../../../src/bus/nats-server.ts";
import type { Node__Output } from "../../../../src/gen/docker/swarmkit/v1/Node.ts";
import type { ClusterInfo, JoinTokens } from "../../../../src/manager/api.ts";
import { newNodeObject } from "../../../../src/manager/ca-server.ts";
import {
  type CallerStanding,
  type ControlBusServer,
  type ControlClient,
  type ControlHandlers,
  controlClient,
  serveControlBus,
} from "../../../../src/manager/control-bus/index.ts";
import type { LeaderInfo } from "../../../../src/manager/proxy/index.ts";
import { rpcError } from "../../../../src/rpc/status.ts";
import { sampleClusterInfo } from "../../../support/cluster-info.ts";
import { connectAs } from "../../../support/nats-server.ts";
import { quickRaftProfile } from "../../support/quick-raft-profile.ts";

export const CLUSTER = "busclustertest";

/** A node whose annotations name the manager that served it, with bytes to round-trip. */
export function nodeServedBy(id: string, manager: string): Node__Output {
  const n = newNodeObject(id, "WORKER", "ACTIVE");
  return {
    ...n,
    spec: n.spec ? { ...n.spec, annotations: { name: manager, labels: { served: manager } } } : null,
    status: { state: "READY", message: `served by ${manager}`, addr: "10.1.2.3" },
    certificate: n.certificate ? { ...n.certificate, certificate: Buffer.from([0, 1, 2, 255]) } : null,
  };
}

/** The node ID the test's client calls as: a manager's daemon (m1's). */
export const CALLER = "m1";

export const TOKENS: JoinTokens = { worker: "SWMTKN-1-worker", manager: "SWMTKN-1-manager" };

/** What one manager thinks of leadership; the test sets it. */
export class View implements LeaderInfo {
  leader: string | undefined;
  quorumLost = false;
  reads = 0;
  constructor(readonly self: string) {}
  isLeader = () => this.leader === this.self;
  leaderId = () => {
    this.reads++;
    return this.leader;
  };
  leaderAddr = () => (this.leader ? `10.0.0.${this.leader}:2377` : undefined);
  ticksWithNoLeader = () => (this.leader ? 0 : this.quorumLost ? 11 : 1);
  lostQuorum = () => this.quorumLost;
}

/** A fake manager: a View, handlers that record each call, its own NATS connection and control bus. */
export class FakeManager {
  readonly calls: string[] = [];
  readonly view: View;
  /** While true, updateNode waits in `pending` (a proposal in flight) until the test settles it. */
  hold = false;
  readonly pending: { resolve(): void; reject(e: Error): void }[] = [];
  /** The read barrier (RaftNode.readBarrier) this manager's reads wait on; passes by default. */
  barrier: (deadline: number) => Promise<void> = () => Promise.resolve();
  /** Read barriers taken, in order: the method of the call each was for is in `calls` after it. */
  barriers = 0;
  /** What this manager's store says of a node ID, before the cluster's `standings` (a store that lags). */
  readonly ownStandings = new Map<string, CallerStanding>();
  server!: ControlBusServer;
  nc!: NatsConnection;
  constructor(readonly raftId: string) {
    this.view = new View(raftId);
  }
  get addr() {
    return `10.0.0.${this.raftId}:2377`;
  }
  get name() {
    return `m${this.raftId}`;
  }

  /** What listNodes answers; the test may set a longer list. */
  nodes: () => Node__Output[] = () => [nodeServedBy("n1", this.name), nodeServedBy("n2", this.name)];

  handlers(): ControlHandlers {
    const rec = (m: string) => this.calls.push(m);
    return {
      listNodes: () => {
        rec("listNodes");
        return this.nodes();
      },
      getNode: (ref) => {
        rec("getNode");
        if (ref === "missing") throw rpcError("NotFound", "node missing not found");
        return nodeServedBy(ref, this.name);
      },
      updateNode: async (req) => {
        rec("updateNode");
        if (this.hold) await new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject }));
        return { ...nodeServedBy(req.nodeId, this.name), spec: req.spec ?? null };
      },
      removeNode: (req) => {
        rec(`removeNode ${req.nodeId} ${req.force}`);
      },
      joinTokens: () => {
        rec("joinTokens");
        return TOKENS;
      },
      rotateJoinToken: (role) => {
        rec(`rotateJoinToken ${role}`);
        return { ...TOKENS, [role]: `SWMTKN-1-rotated-by-${this.name}` };
      },
      clusterInfo: (): ClusterInfo => {
        rec("clusterInfo");
        return sampleClusterInfo(CLUSTER);
      },
      updateCluster: (req) => {
        rec(`updateCluster ${req.version}`);
        return { ...sampleClusterInfo(CLUSTER), version: req.version + 1 };
      },
      raftJoin: (req) => {
        rec(`raftJoin ${req.nodeId}`);
        return {
          raftId: "42",
          members: [{ raftId: this.raftId, nodeId: this.name, addr: this.addr }],
          removedMembers: ["7"],
        };
      },
    };
  }
}

/** Three fake managers with raft IDs 1, 2, 3 on a real nats-server, and a client connection. */
export class BusCluster {
  readonly managers: FakeManager[] = [];
  /** What every manager's store says of a node ID; the fake managers m1… are managers, any other ID unknown. */
  readonly standings = new Map<string, CallerStanding>();
  private readonly conns: NatsConnection[] = [];
  client!: NatsConnection;
  private constructor(readonly nats: NatsServerHandle) {}

  static async start(count = 3, opts: { maxPayload?: number } = {}): Promise<BusCluster> {
    const c = new BusCluster(await startNatsServer(opts));
    for (let i = 1; i <= count; i++) await c.startManager(new FakeManager(String(i)));
    // The client forges callers of every standing: the managers' own checks are on trial.
    c.client = await connectAs(c.nats, "control-client", "unrestricted");
    c.conns.push(c.client);
    return c;
  }

  async startManager(m: FakeManager): Promise<FakeManager> {
    m.nc = await connectAs(this.nats, `manager-${m.raftId}`, { role: "manager", nodeId: m.name, clusterId: CLUSTER });
    this.standings.set(m.name, "manager");
    this.conns.push(m.nc);
    m.server = serveControlBus({
      nc: m.nc,
      clusterId: CLUSTER,
      self: { nodeId: m.name, raftId: m.raftId, addr: m.addr },
      callers: (nodeId) => m.ownStandings.get(nodeId) ?? this.standings.get(nodeId) ?? "unknown",
      leader: m.view,
      handlers: m.handlers(),
      readBarrier: (deadline) => {
        m.barriers++;
        return m.barrier(deadline);
      },
      profile: quickRaftProfile,
      log: { warn: () => {}, error: () => {} },
    });
    await m.nc.flush();
    if (!this.managers.includes(m)) this.managers.push(m);
    return m;
  }

  /** Every manager agrees that `raftId` leads. */
  elect(raftId: string | undefined): void {
    for (const m of this.managers) {
      m.view.leader = raftId;
      m.view.quorumLost = false;
    }
  }

  manager(raftId: string): FakeManager {
    const m = this.managers.find((x) => x.raftId === raftId);
    if (!m) throw new Error(`no manager ${raftId}`);
    return m;
  }

  controlClient(timeoutMs = 5_000, caller = CALLER): ControlClient {
    return controlClient(this.client, CLUSTER, { timeoutMs, caller });
  }

  async stop(): Promise<void> {
    for (const m of this.managers) await m.server.stop();
    for (const nc of this.conns) if (!nc.isClosed()) await nc.close();
    await this.nats.stop();
  }
}

/** A call's RpcError or its result. */
export async function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; err: Error }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, err: e as Error };
  }
}

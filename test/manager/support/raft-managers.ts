import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { type NatsServerHandle, startNatsServer } from "../../../src/bus/nats-server.ts";
import { profiles, type TimingProfile } from "../../../src/config/profile.ts";
import { silentLog } from "../../../src/log.ts";
import { startRaftMember } from "../../../src/manager/raft-backend.ts";
import { ReplicatedStore } from "../../../src/manager/store.ts";
import type { RaftNode } from "../../../src/raft/node/index.ts";
import type { RaftMember } from "../../../src/raft/types.ts";
import { connectAs } from "../../support/nats-server.ts";
import { waitFor } from "../../support/wait-for.ts";

const profile: TimingProfile = { ...profiles.fast, raftTickMs: 30 };

export interface Manager {
  id: string;
  store: ReplicatedStore;
  raft: RaftNode;
  nc: NatsConnection;
  /** <state-dir>/swarm: its Raft data is in swarm/raft. */
  swarmDir: string;
}

/**
 * Raft members with replicated stores on a real nats-server and real storage,
 * without the rest of the manager: for tests of what Raft does to the store.
 */
export class RaftManagers {
  private readonly running: Manager[] = [];
  private constructor(
    private readonly nats: NatsServerHandle,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RaftManagers> {
    return new RaftManagers(await startNatsServer(), mkdtempSync(join(tmpdir(), "swarmbus-quorum-")));
  }

  async manager(
    clusterId: string,
    id: string,
    mode: "bootstrap" | "join" | "restart",
    forceNewCluster = false,
    joinMembers: readonly RaftMember[] = [],
  ): Promise<Manager> {
    const nc = await connectAs(this.nats, `${clusterId}-${id}`, { role: "manager", nodeId: `node-${id}`, clusterId });
    const store = new ReplicatedStore();
    const swarmDir = join(this.dir, clusterId, id, "swarm");
    const raft = await startRaftMember({
      swarmDir,
      clusterId,
      self: { raftId: id, nodeId: `node-${id}`, addr: `127.0.0.1:${3000 + Number(id)}` },
      profile,
      store,
      nc,
      mode,
      forceNewCluster,
      joinMembers,
      onLeadership: () => {},
      onRemoved: () => {},
      onFatal: () => {},
      log: silentLog,
    });
    const m = { id, store, raft, nc, swarmDir };
    this.running.push(m);
    return m;
  }

  async stop(m: Manager): Promise<void> {
    this.running.splice(this.running.indexOf(m), 1);
    await m.raft.stop();
    await m.nc.close();
  }

  /** Three members of `clusterId`: 1 bootstraps and leads, 2 and 3 join. */
  async threeMembers(clusterId: string): Promise<[Manager, Manager, Manager]> {
    const m1 = await this.manager(clusterId, "1", "bootstrap");
    await waitFor(() => m1.raft.isLeader(), { timeoutMs: 10_000, what: "member 1 to lead" });
    const ms: Manager[] = [m1];
    // A joiner listens before the leader adds it (a two-member cluster whose new member is not up
    // yet could lose its check-quorum), with the member list its join would be answered with.
    for (const id of ["2", "3"]) {
      const self = { raftId: id, nodeId: `node-${id}`, addr: `127.0.0.1:${3000 + Number(id)}` };
      ms.push(await this.manager(clusterId, id, "join", false, [...m1.raft.members().map((s) => s.member), self]));
      await m1.raft.addMember(self);
    }
    return ms as [Manager, Manager, Manager];
  }

  async close(): Promise<void> {
    for (const m of [...this.running]) await this.stop(m);
    await this.nats.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

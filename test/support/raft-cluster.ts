import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import type { AnyActorRef } from "xstate";
import { profiles, type TimingProfile } from "../../src/config/profile.ts";
import { type Log, silentLog } from "../../src/log.ts";
import { RaftNode } from "../../src/raft/node/index.ts";
import type { StorageFs } from "../../src/raft/storage/index.ts";
import { natsTransport } from "../../src/raft/transport/index.ts";
import type { RaftMember } from "../../src/raft/types.ts";
import { onTeardown, type Suite } from "./fixture.ts";
import { TestNats } from "./nats-server.ts";
import { waitFor } from "./wait-for.ts";

/** The fast profile with a shorter Raft tick, so elections take well under a second. */
export const testProfile: TimingProfile = { ...profiles.fast, raftTickMs: 30 };

/** Member `id`'s node ID: the sender token of its raft subjects. */
export const nodeIdOf = (id: string) => `node-${id}`;

/** Member `id` as the membership lists it. */
export const memberOf = (id: string): RaftMember => ({
  raftId: id,
  nodeId: nodeIdOf(id),
  addr: `127.0.0.1:${2000 + Number(id)}`,
});

/** One member as its owner sees it: the values it applied, in order, and what it restored. */
export class Member {
  node!: RaftNode;
  values: string[] = [];
  actor: AnyActorRef | undefined;
  running = true;
  constructor(
    readonly id: string,
    readonly nc: NatsConnection,
    public restores: number,
  ) {}
}

export interface MemberOptions {
  bootstrap?: boolean;
  snapshotInterval?: number;
  logEntriesForSlowFollowers?: number;
  /** A joiner: the leader's member list after it added this one (what a join is answered with). */
  joinMembers?: readonly RaftMember[];
  /** Where the member (its node and transport) logs; silent by default. */
  log?: Log;
  /** The file operations of its storage (a faulty disk); node:fs by default. */
  storageFs?: StorageFs;
  /** Its node stopped on a fatal error. */
  onFatal?: (e: Error) => void;
}

/**
 * A Raft cluster for the suite, its nats-server started before the tests and
 * every member stopped after them; the tests start the members:
 *
 *   const cluster = useRaftCluster(test);
 *   test("…", async () => { const leader = await cluster.three(); … });
 */
export function useRaftCluster(suite: Suite): RaftCluster {
  const cluster = new RaftCluster();
  suite.before(() => cluster.open());
  onTeardown(suite, () => cluster.stop());
  return cluster;
}

/**
 * Raft members in one process on a real nats-server, each with its own NATS
 * connection and its own state dir (real WAL and snapshots) in a temp dir.
 */
export class RaftCluster {
  readonly members = new Map<string, Member>();
  readonly clusterId = `c${process.pid}`;
  readonly nats = new TestNats();
  private tmp: string | undefined;

  /** A started cluster, for a file that manages the lifecycle itself (useRaftCluster does it for you). */
  static async start(): Promise<RaftCluster> {
    const cluster = new RaftCluster();
    await cluster.open();
    return cluster;
  }

  /** Starts the nats-server and makes the temp dir the members' state dirs go in. */
  async open(): Promise<void> {
    await this.nats.start();
    this.tmp = mkdtempSync(join(tmpdir(), "swarmbus-raft-"));
  }

  get dir(): string {
    if (this.tmp === undefined) throw new Error("the cluster is not open (useRaftCluster opens it in a before hook)");
    return this.tmp;
  }

  /** Starts (or restarts from its state dir) member `id`. */
  async start(id: string, opts: MemberOptions = {}): Promise<Member> {
    const nc = await this.nats.connect(`raft-${id}`, {
      role: "manager",
      nodeId: nodeIdOf(id),
      clusterId: this.clusterId,
    });
    const transport = await natsTransport({
      nc,
      clusterId: this.clusterId,
      raftId: id,
      nodeId: nodeIdOf(id),
      inactiveAfterMs: testProfile.raftTickMs * testProfile.raftElectionTicks,
      log: opts.log ?? silentLog,
    });
    const prev = this.members.get(id);
    const m = new Member(id, nc, prev?.restores ?? 0);
    m.node = await RaftNode.start({
      clusterId: this.clusterId,
      self: memberOf(id),
      stateDir: join(this.dir, id),
      transport,
      profile: testProfile,
      bootstrap: opts.bootstrap ?? false,
      ...(opts.joinMembers ? { joinMembers: opts.joinMembers } : {}),
      ...(opts.storageFs ? { storageFs: opts.storageFs } : {}),
      ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
      log: opts.log ?? silentLog,
      apply: (data) => {
        m.values.push(new TextDecoder().decode(data));
      },
      snapshotData: () => new TextEncoder().encode(JSON.stringify(m.values)),
      restore: (data) => {
        m.values = JSON.parse(new TextDecoder().decode(data)) as string[];
        m.restores++;
      },
      onActor: (_name, actor) => {
        m.actor = actor;
      },
      ...(opts.snapshotInterval !== undefined ? { snapshotInterval: opts.snapshotInterval } : {}),
      ...(opts.logEntriesForSlowFollowers !== undefined
        ? { logEntriesForSlowFollowers: opts.logEntriesForSlowFollowers }
        : {}),
    });
    this.members.set(id, m);
    return m;
  }

  /** Stops member `id` as a crash would look to the others: its node and its connection go away. */
  async stopMember(id: string): Promise<void> {
    const m = this.members.get(id);
    if (!m?.running) return;
    m.running = false;
    await m.node.stop();
    await m.nc.close();
  }

  running(): Member[] {
    return [...this.members.values()].filter((m) => m.running);
  }

  /** The one running member that leads (and has said so), once every running member agrees on it. */
  leader(timeoutMs = 10_000): Promise<Member> {
    return waitFor(
      () => {
        const live = this.running();
        const leaders = live.filter((m) => m.node.isLeader());
        if (leaders.length !== 1) return undefined;
        const l = leaders[0] as Member;
        return live.every((m) => m.node.leaderId() === l.id) ? l : undefined;
      },
      { timeoutMs, what: "one leader all running members agree on" },
    );
  }

  /** A three-member cluster: 1 bootstraps, 2 and 3 join and are added by the leader; `only(id)`: one member's own options. */
  async three(opts: MemberOptions = {}, only: (id: string) => MemberOptions = () => ({})): Promise<Member> {
    const m1 = await this.start("1", { ...opts, ...only("1"), bootstrap: true });
    await this.leader();
    // A joiner listens before the leader adds it (a two-member cluster whose new member is not up
    // yet could lose its check-quorum), with the member list its join would be answered with.
    for (const id of ["2", "3"]) {
      await this.start(id, {
        ...opts,
        ...only(id),
        joinMembers: [...m1.node.members().map((s) => s.member), memberOf(id)],
      });
      await m1.node.addMember(memberOf(id));
    }
    // A member hears the leader before it applies the change that adds it: wait until each knows all three.
    await waitFor(() => this.running().every((m) => m.node.isMember() && m.node.members().length === 3), {
      timeoutMs: 10_000,
      what: "every member to apply the three-member configuration",
    });
    return this.leader();
  }

  /** Waits until every running member applied exactly `values`. */
  converged(values: string[], timeoutMs = 10_000): Promise<true> {
    return waitFor(() => this.running().every((m) => sameList(m.values, values)), {
      timeoutMs,
      what: `every running member to apply the ${values.length} values`,
    });
  }

  async stop(): Promise<void> {
    for (const m of this.members.values()) {
      if (m.running) {
        m.running = false;
        await m.node.stop();
        await m.nc.close();
      }
    }
    await this.nats.stop();
    if (this.tmp !== undefined) rmSync(this.tmp, { recursive: true, force: true });
  }
}

export const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export const enc = (s: string) => new TextEncoder().encode(s);

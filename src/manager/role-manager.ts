import type { TimingProfile } from "../config/profile.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { RaftMembership } from "./controlapi/raft-membership.ts";
import { deadlineExceeded } from "./proxy/leader-conn.ts";
import type { Store } from "./store.ts";

/** What the role manager logs through (a pino Logger fits). */
export interface RoleManagerLog {
  debug(msg: string): void;
  info(msg: string): void;
}

export interface RoleManagerOptions {
  readonly store: Store;
  readonly raft: RaftMembership;
  /** This manager's node ID: demoting the leader itself transfers leadership first. */
  readonly selfNodeId: string;
  readonly profile: Pick<TimingProfile, "roleReconcileIntervalMs" | "roleRemovalTimeoutMs">;
  readonly log?: RoleManagerLog;
}

const silent: RoleManagerLog = { debug: () => {}, info: () => {} };

/**
 * SwarmKit's roleManager (SK: manager/role_manager.go), on the leader: makes
 * each node's observed `role` follow its `spec.desired_role`. A promotion is
 * written at once; a demotion first takes the node out of the raft memberlist
 * (behind the quorum guard, retried) and writes WORKER on a later pass once it
 * is out. Raft members whose node was deleted are evicted the same way.
 * Passes run on every node change and every roleReconcileInterval while
 * anything is pending.
 */
export class RoleManager {
  private readonly pendingRoles = new Set<string>();
  /** Deleted nodes still in the raft memberlist. */
  private readonly pendingRemovals = new Set<string>();
  private readonly log: RoleManagerLog;
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private again = false;
  private running = false;

  constructor(private readonly opts: RoleManagerOptions) {
    this.log = opts.log ?? silent;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const nodes = this.opts.store.view((tx) => tx.nodes());
    for (const n of nodes) if (roleIsPending(n)) this.pendingRoles.add(n.id);
    // On startup, raft members with no node object are evicted.
    const known = new Set(nodes.map((n) => n.id));
    for (const m of this.opts.raft.members()) if (!known.has(m.nodeId)) this.pendingRemovals.add(m.nodeId);
    this.unwatch = this.opts.store.watch((e) => {
      if (e.kind !== "node") return;
      if (e.action === "delete") {
        this.pendingRoles.delete(e.node.id);
        if (this.opts.raft.memberOf(e.node.id)) this.pendingRemovals.add(e.node.id);
      } else if (roleIsPending(e.node)) {
        this.pendingRoles.add(e.node.id);
      } else {
        this.pendingRoles.delete(e.node.id);
      }
      if (this.hasPending()) void this.reconcile();
    });
    if (this.hasPending()) void this.reconcile();
  }

  stop(): void {
    this.running = false;
    this.unwatch?.();
    this.unwatch = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Node IDs waiting for a role change, and deleted nodes waiting to leave Raft. */
  pending(): { roles: string[]; removals: string[] } {
    return { roles: [...this.pendingRoles].sort(), removals: [...this.pendingRemovals].sort() };
  }

  /** One pass over everything pending (joins the pass under way, then runs one more). */
  reconcile(): Promise<void> {
    if (this.pass) {
      this.again = true;
      return this.pass;
    }
    this.pass = (async () => {
      try {
        do {
          this.again = false;
          await this.reconcileAll();
        } while (this.again && this.running);
      } finally {
        this.pass = undefined;
        this.armTimer();
      }
    })();
    return this.pass;
  }

  private hasPending(): boolean {
    return this.pendingRoles.size > 0 || this.pendingRemovals.size > 0;
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running || !this.hasPending()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconcile();
    }, this.opts.profile.roleReconcileIntervalMs);
  }

  private async reconcileAll(): Promise<void> {
    if (!this.running || !this.opts.raft.isLeader()) return;
    for (const id of [...this.pendingRoles]) {
      if (!this.running) return;
      await this.reconcileRole(id);
    }
    for (const id of [...this.pendingRemovals]) {
      if (!this.running) return;
      const member = this.opts.raft.memberOf(id);
      if (!member || (await this.removeMember(id, member.raftId))) this.pendingRemovals.delete(id);
    }
  }

  private async reconcileRole(id: string): Promise<void> {
    const node = this.opts.store.view((tx) => tx.node(id));
    if (!node || !roleIsPending(node)) {
      this.pendingRoles.delete(id);
      return;
    }
    if (desiredRole(node) === "MANAGER") {
      await this.writeRole(id, "MANAGER");
      return;
    }
    const member = this.opts.raft.memberOf(id);
    if (member) {
      // Out of the memberlist first; a later pass writes WORKER once it is.
      await this.removeMember(id, member.raftId);
      return;
    }
    await this.writeRole(id, "WORKER");
  }

  /** Sets the observed role if the node still wants it (the transaction re-checks nothing changed). */
  private async writeRole(id: string, role: "MANAGER" | "WORKER"): Promise<void> {
    try {
      await this.opts.store.update((tx) => {
        const n = tx.node(id);
        if (!n || desiredRole(n) !== role || n.role === role) return;
        tx.putNode({ ...n, role });
      });
      this.pendingRoles.delete(id);
    } catch (e) {
      this.log.info(`failed to set node ${id} role to ${role}: ${errorText(e)}`);
    }
  }

  /** SK roleManager.removeMember: true once the member is out (or leadership was handed over). */
  private async removeMember(nodeId: string, raftId: string): Promise<boolean> {
    const raft = this.opts.raft;
    await raft.refreshReachability?.();
    if (!raft.canRemoveMember(raftId)) {
      this.log.debug(
        `can't demote node ${nodeId} at this time: removing member from raft would result in a loss of quorum`,
      );
      return false;
    }
    if (nodeId === this.opts.selfNodeId && raft.transferLeadership) {
      this.log.info("demoted; transferring leadership");
      try {
        await raft.transferLeadership();
        return true;
      } catch (e) {
        this.log.info(`failed to transfer leadership: ${errorText(e)}`);
      }
    }
    try {
      await withTimeout(raft.removeMember(raftId), this.opts.profile.roleRemovalTimeoutMs);
      return true;
    } catch (e) {
      this.log.debug(`can't demote node ${nodeId} at this time: ${errorText(e)}`);
      return false;
    }
  }
}

function desiredRole(n: Node__Output): "MANAGER" | "WORKER" {
  return n.spec?.desired_role === "MANAGER" ? "MANAGER" : "WORKER";
}

function roleIsPending(n: Node__Output): boolean {
  return desiredRole(n) !== (n.role === "MANAGER" ? "MANAGER" : "WORKER");
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

import { newId } from "../../../../src/ca/ids.ts";
import { profiles } from "../../../../src/config/profile.ts";
import type { Node__Output } from "../../../../src/gen/docker/swarmkit/v1/Node.ts";
import { bootstrapCluster, newBootstrapCA } from "../../../../src/manager/bootstrap.ts";
import { newNodeObject } from "../../../../src/manager/ca-server.ts";
import {
  canRemoveMember,
  ERR_CANNOT_REMOVE_MEMBER,
  type RaftMember,
  type RaftMembership,
} from "../../../../src/manager/controlapi/index.ts";
import { createMemoryStore, type Store } from "../../../../src/manager/store.ts";
import { raftError } from "../../../../src/raft/node/errors.ts";

/** A store holding a bootstrapped cluster: manager m1 (leader) and what the test adds. */
export async function clusterStore(): Promise<{ store: Store; m1: string }> {
  const store = createMemoryStore();
  const m1 = newId();
  const clusterId = newId();
  const ca = await newBootstrapCA(m1, clusterId);
  await store.update((tx) =>
    bootstrapCluster(tx, { nodeId: m1, clusterId, hostname: "m1", addr: "127.0.0.1:2377", profile: profiles.fast }, ca),
  );
  return { store, m1 };
}

/** Adds a node with that desired and observed role and status; returns it as stored. */
export function addNode(
  store: Store,
  opts: { role: "WORKER" | "MANAGER"; state?: "READY" | "DOWN" | "UNKNOWN"; hostname?: string },
): Promise<Node__Output> {
  const id = newId();
  const node = newNodeObject(id, opts.role, "ACTIVE");
  return store.update((tx) =>
    tx.putNode({
      ...node,
      status: { state: opts.state ?? "READY", message: "", addr: "127.0.0.1" },
      description: opts.hostname ? { hostname: opts.hostname } : null,
    } as Node__Output),
  );
}

export const nodeOf = (store: Store, id: string) => store.view((tx) => tx.node(id));

/**
 * A raft memberlist the test controls: which nodes are members, which are
 * reachable (self always is), who leads; it records every call.
 */
export class FakeRaft implements RaftMembership {
  readonly members_ = new Map<string, RaftMember & { reachable: boolean }>();
  leader = true;
  removeFails: Error | null = null;
  readonly calls: string[] = [];
  transferLeadership?: () => Promise<void>;
  constructor(readonly selfNodeId: string) {}
  add(nodeId: string, reachable = true): string {
    const raftId = String(this.members_.size + 1);
    this.members_.set(nodeId, { nodeId, raftId, addr: `10.0.0.${this.members_.size + 1}:2377`, reachable });
    return raftId;
  }
  setReachable(nodeId: string, reachable: boolean): void {
    const m = this.members_.get(nodeId);
    if (m) m.reachable = reachable;
  }
  memberOf(nodeId: string) {
    const m = this.members_.get(nodeId);
    return m ? { raftId: m.raftId, addr: m.addr } : undefined;
  }
  members(): RaftMember[] {
    return [...this.members_.values()].map(({ nodeId, raftId, addr }) => ({ nodeId, raftId, addr }));
  }
  canRemoveMember(raftId: string): boolean {
    const list = [...this.members_.values()].map((m) => ({
      raftId: m.raftId,
      reachable: m.nodeId === this.selfNodeId || m.reachable,
    }));
    return canRemoveMember(list, raftId);
  }
  async removeMember(raftId: string): Promise<void> {
    this.calls.push(`removeMember ${raftId}`);
    if (this.removeFails) throw this.removeFails;
    if (!this.canRemoveMember(raftId)) throw raftError(ERR_CANNOT_REMOVE_MEMBER);
    for (const [id, m] of this.members_) if (m.raftId === raftId) this.members_.delete(id);
  }
  isLeader(): boolean {
    return this.leader;
  }
}

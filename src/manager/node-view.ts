import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { MemberStatus } from "../raft/node/index.ts";
import { findNode } from "./node-lookup.ts";
import type { ReplicatedStore } from "./store.ts";

/**
 * `node ls` / `node inspect` as the manager answers them: the store's nodes,
 * each Raft member with its ManagerStatus from the raft memberlist, any other
 * node with none (SwarmKit's controlapi fills it from raft's GetMemberlist only).
 */
export class NodeView {
  constructor(
    private readonly store: ReplicatedStore,
    private readonly memberlist: () => readonly MemberStatus[],
  ) {}

  list(): Node__Output[] {
    return this.store
      .view((tx) => tx.nodes())
      .map((n) => this.withManagerStatus(n))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** By full ID, unique ID prefix or hostname. */
  get(ref: string): Node__Output {
    return this.withManagerStatus(
      findNode(
        this.store.view((tx) => tx.nodes()),
        ref,
      ),
    );
  }

  private withManagerStatus(n: Node__Output): Node__Output {
    const m = this.memberlist().find((s) => s.member.nodeId === n.id);
    // Not a Raft member (a worker, a manager not joined yet): no manager status, MANAGER STATUS empty.
    if (!m) return n.manager_status ? { ...n, manager_status: null } : n;
    return {
      ...n,
      manager_status: {
        raft_id: m.member.raftId,
        addr: m.member.addr,
        leader: m.leader,
        reachability: m.reachability,
      },
    };
  }
}

import { newId } from "../ca/ids.ts";
import { rpcError } from "../rpc/status.ts";

/**
 * The dispatcher's registered nodes (SK: manager/dispatcher/nodes.go nodeStore):
 * who holds which session, and the registration rate limit. The heartbeat
 * timers themselves live in the node-liveness actors.
 */
export const NODE_NOT_REGISTERED = "node not registered";
export const SESSION_INVALID = "session invalid";

export interface RegisteredNode {
  readonly nodeId: string;
  readonly sessionId: string;
  registeredAt: number;
  attempts: number;
}

export class NodeRegistry {
  private readonly nodes = new Map<string, RegisteredNode>();
  constructor(
    private readonly limits: { rateLimitPeriodMs: number; rateLimitCount: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** CheckRateLimit: only for a node already registered; more than rateLimitCount re-registrations within the period fail. */
  checkRateLimit(nodeId: string): void {
    const rn = this.nodes.get(nodeId);
    if (!rn) return;
    if (this.now() - rn.registeredAt > this.limits.rateLimitPeriodMs) rn.attempts = 0;
    rn.attempts++;
    if (rn.attempts > this.limits.rateLimitCount) {
      throw rpcError("Unavailable", `node ${nodeId} exceeded rate limit count of registrations`);
    }
    rn.registeredAt = this.now();
  }

  /**
   * AddUnknown (markNodesUnknown on a new leader): the node is tracked without a
   * session, so its calls get "session invalid" until it registers again; its
   * registration time is the zero time, so the rate limit starts afresh.
   */
  addUnknown(nodeId: string): void {
    this.nodes.set(nodeId, { nodeId, sessionId: "", registeredAt: 0, attempts: 0 });
  }

  /** Add: a fresh session ID; attempts and first registration time carry over. */
  add(nodeId: string): RegisteredNode {
    const existing = this.nodes.get(nodeId);
    const rn: RegisteredNode = {
      nodeId,
      sessionId: newId(),
      registeredAt: existing?.registeredAt || this.now(),
      attempts: existing?.attempts ?? 0,
    };
    this.nodes.set(nodeId, rn);
    return rn;
  }

  get(nodeId: string): RegisteredNode {
    const rn = this.nodes.get(nodeId);
    if (!rn) throw rpcError("NotFound", NODE_NOT_REGISTERED);
    return rn;
  }

  getWithSession(nodeId: string, sessionId: string): RegisteredNode {
    const rn = this.get(nodeId);
    if (sessionId === "" || rn.sessionId !== sessionId) throw rpcError("InvalidArgument", SESSION_INVALID);
    return rn;
  }

  delete(nodeId: string): void {
    this.nodes.delete(nodeId);
  }

  clear(): void {
    this.nodes.clear();
  }
}

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

/**
 * Which registration of a node a liveness status (UNKNOWN, DOWN) was decided
 * against: the session then held ("" while UNKNOWN), undefined for none.
 */
export type RegistrationEpoch = string | undefined;

export class NodeRegistry {
  private readonly nodes = new Map<string, RegisteredNode>();
  /** Registrations under way (READY write not yet committed), by node. Kept across clear(): each ends once. */
  private readonly registering = new Map<string, number>();
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

  /**
   * A registration begins (before its READY write); the returned function ends
   * it, right before `add` or on failure. Failures after this point are the
   * dispatcher stopping, the node being removed or the write failing (lost
   * leadership): the next leader's markNodesUnknown takes over.
   */
  beginRegistration(nodeId: string): () => void {
    this.registering.set(nodeId, (this.registering.get(nodeId) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.registering.get(nodeId) ?? 1) - 1;
      if (n > 0) this.registering.set(nodeId, n);
      else this.registering.delete(nodeId);
    };
  }

  /** The registration a liveness status is decided against now. */
  epoch(nodeId: string): RegistrationEpoch {
    return this.nodes.get(nodeId)?.sessionId;
  }

  /**
   * Whether the node registered again (a new session) or is registering since
   * `epoch`: a status decided then is stale, the node is alive. SwarmKit's
   * markNodeNotReady has the same window (the old heartbeat still runs until
   * nodes.Add); here the DOWN write is dropped instead of landing after READY.
   */
  registeredSince(nodeId: string, epoch: RegistrationEpoch): boolean {
    if (this.registering.has(nodeId)) return true;
    const now = this.nodes.get(nodeId)?.sessionId;
    return now !== undefined && now !== epoch;
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

import type { Log } from "../log.ts";
import { isRpcError, toRpcError } from "../rpc/status.ts";

/** What leadership reads of the Raft member (RaftNode). */
export interface LeadershipSource {
  readonly raftId: string;
  /** Leads and has applied its term's first entry (SwarmKit's signalledLeadership). */
  isLeader(): boolean;
  /** "0" when no leader is known. */
  leaderId(): string;
  /** Resolves once isLeader() holds, checked after every change the member makes; rejects past `timeoutMs`. */
  untilLeader(timeoutMs: number): Promise<void>;
}

/** A component that runs only while this manager leads (dispatcher, CA signer, role manager). */
export interface LeaderOnly {
  start(): void;
  stop(): void;
}

export interface LeadershipOptions {
  /** Started in this order on becoming leader, stopped in the reverse order on losing it. */
  readonly components: readonly LeaderOnly[];
  /** Runs before the components start, each time this member becomes leader (`swarm init`'s first write). */
  readonly beforeStart: () => Promise<void>;
  /** Where a failed start is reported. */
  readonly log: Log;
  /** Told once the components run (the "became leader" line). */
  readonly onStarted?: () => void;
}

/**
 * How long one wait for the term's first entry lasts (see `awaitApplied`); a
 * member still leading past it waits again, so this only bounds a wait.
 */
const APPLIED_WAIT_MS = 10_000;

/**
 * The manager's side of SwarmKit's becomeLeader / becomeFollower: the
 * leader-only components run exactly while the Raft member is leader.
 * Driven by the raft actor's role announcements (`roleChanged`, from
 * RaftNode's onLeadership), not by a clock.
 *
 * Start and stop are serialized on one chain, so a quick
 * leader → follower → leader runs start, stop, start in that order and never
 * overlaps them; a start that finds leadership lost by the time it runs (after
 * `beforeStart`'s write) starts nothing.
 */
export class Leadership {
  private member: LeadershipSource | undefined;
  /** The side last decided: the chain below catches up with it. */
  private leading = false;
  /** The leader-only components run. */
  private running = false;
  private retired = false;
  private chain: Promise<void> = Promise.resolve();
  /** Bumped to abandon a wait for the term's first entry (a role change, retire). */
  private appliedWait = 0;
  private readonly readyListeners = new Set<() => void>();

  constructor(private readonly opts: LeadershipOptions) {}

  /** The leader-only components run (this member leads and finished becoming leader). */
  get ready(): boolean {
    return this.running;
  }

  /**
   * The raft actor entered (true) or left (false) `leader`. It may come
   * before RaftNode.start returns (a one-member cluster campaigns at once),
   * i.e. before `attach`.
   */
  roleChanged(leader: boolean): void {
    this.stopAwaitingApplied();
    this.sync();
    if (leader && !this.leading) this.awaitApplied();
  }

  /** The Raft member runs: leadership follows it from now on. */
  attach(member: LeadershipSource): void {
    this.member = member;
    this.sync();
    if (!this.leading && member.leaderId() === member.raftId) this.awaitApplied();
  }

  /**
   * The Raft member may have stopped on its own: a fatal error, or a removal
   * it learned from another member. RaftNode reports either (and the raft
   * actor any role change) just before it stops, while isLeader() still
   * holds; it turns false with the stop, so this checks again once that call
   * stack has returned.
   */
  memberGone(): void {
    queueMicrotask(() => this.sync());
  }

  /** Calls `fn` each time the components have started; returns the unsubscribe. */
  onReady(fn: () => void): () => void {
    this.readyListeners.add(fn);
    return () => this.readyListeners.delete(fn);
  }

  /** No more becoming leader (the manager is stopping); role announcements are ignored from now on. */
  retire(): void {
    this.retired = true;
    this.stopAwaitingApplied();
  }

  /** Retires and stops the components, after any start or stop under way. */
  async stop(): Promise<void> {
    this.retire();
    this.becomeFollower();
    await this.chain.catch(() => {});
    this.becomeFollower();
  }

  /** Becomes leader or follower as the member now is. */
  private sync(): void {
    const now = !this.retired && (this.member?.isLeader() ?? false);
    if (now === this.leading) return;
    this.leading = now;
    this.chain = this.chain.then(async () => {
      if (this.leading && now) {
        try {
          await this.becomeLeader();
        } catch (e) {
          this.opts.log.warn({ err: toRpcError(e).message }, "manager: becoming leader failed");
        }
      } else if (!now) {
        this.becomeFollower();
      }
    });
  }

  private async becomeLeader(): Promise<void> {
    await this.opts.beforeStart();
    if (!this.leading || this.retired) return;
    for (const c of this.opts.components) c.start();
    this.running = true;
    this.opts.onStarted?.();
    for (const fn of [...this.readyListeners]) fn();
  }

  private becomeFollower(): void {
    this.running = false;
    for (const c of [...this.opts.components].reverse()) c.stop();
  }

  /**
   * RaftNode announces leader when the raft actor enters `leader`, but reports
   * isLeader() only once the member has applied its term's first entry
   * (SwarmKit's signalledLeadership); the member settles that wait after the
   * ready batch that applies it. Before RaftNode.start returns there is no
   * member yet: `attach` waits then.
   */
  private awaitApplied(): void {
    const m = this.member;
    if (!m) return;
    const wait = ++this.appliedWait;
    const settled = (timedOut: boolean) => {
      if (wait !== this.appliedWait || this.retired) return;
      this.sync();
      if (timedOut && !this.leading && m.leaderId() === m.raftId) this.awaitApplied();
    };
    m.untilLeader(APPLIED_WAIT_MS).then(
      () => settled(false),
      (e: unknown) => settled(isRpcError(e, "DeadlineExceeded")),
    );
  }

  private stopAwaitingApplied(): void {
    this.appliedWait++;
  }
}

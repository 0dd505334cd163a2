import type { NatsConnection } from "@nats-io/transport-node";
import { callDaemon } from "../../../src/bus/daemon-client.ts";
import { mulberry32 } from "../../raft/sim/support/prng.ts";

/**
 * Faults on real manager processes while a workload runs: the leader SIGKILLed and started
 * again on its state dir, a manager SIGSTOPped long enough for an election and SIGCONTed.
 * One fault at a time, each healed before the next, with a quiet gap between them: a majority
 * is down at no moment, which is what the availability figure is measured against. The
 * managers' processes are driven through `ManagerControl`, so the same schedule can drive
 * daemons on other hosts.
 */

export interface ManagerControl {
  readonly names: readonly string[];
  kill(name: string): Promise<void>;
  start(name: string): Promise<void>;
  signal(name: string, sig: "SIGSTOP" | "SIGCONT"): void;
  /** Managers on hosts of their own (net-hosts/): their host's network, for the network fault kinds. */
  readonly network?: HostNetworkControl;
}

/** A manager's host: its cable and its nats-server (NetHosts). */
export interface HostNetworkControl {
  /** No packet in or out of the host (its own clients stay with it); heal() undoes every network fault. */
  cut(name: string): void;
  /** The host receives nothing; what it sends still leaves. */
  dropIn(name: string): void;
  heal(name: string): void;
  killNats(name: string): Promise<void>;
  startNats(name: string): Promise<void>;
}

export type FaultKind =
  | "kill-leader"
  | "stop-leader"
  | "stop-follower"
  /** The leader's host cut off, its clients with it: it may serve them until check-quorum deposes it. */
  | "partition-leader"
  | "drop-in-follower"
  /** The nats-server of the leader's host SIGKILLed: its daemon moves to another; its host's clients wait. */
  | "kill-nats-leader";

/** The faults a run on one host can inject (no network of its own), and the default. */
export const LOOPBACK_FAULTS: readonly FaultKind[] = ["kill-leader", "stop-follower", "stop-leader"];

const NETWORK_KINDS: ReadonlySet<FaultKind> = new Set(["partition-leader", "drop-in-follower", "kill-nats-leader"]);

export interface FaultRecord {
  kind: FaultKind;
  target: string;
  /** performance.now() when the fault began and when it was healed. */
  from: number;
  to: number;
}

export interface FaultOptions {
  readonly managers: ManagerControl;
  /** A bus connection to ask a manager's daemon which manager leads (`node.ls`). */
  readonly nc: NatsConnection;
  readonly kinds?: readonly FaultKind[];
  /** How long a killed manager stays down / a stopped one stays stopped (past an election timeout). */
  readonly downMs?: number;
  /** Quiet time between two faults. */
  readonly gapMs?: number;
  /** Quiet time before the first (default gapMs). */
  readonly firstGapMs?: number;
  readonly seed?: number;
}

/** The daemon name of the leader as `node ls` on `via` shows it, or undefined. */
export async function leaderName(nc: NatsConnection, via: string): Promise<string | undefined> {
  try {
    const r = await callDaemon(nc, via, "node.ls", {}, { timeoutMs: 2_000 });
    for (const n of r.nodes as { Description?: { Hostname?: string }; ManagerStatus?: { Leader?: boolean } }[]) {
      if (n.ManagerStatus?.Leader) return n.Description?.Hostname;
    }
  } catch {
    // No answer now (an election, this daemon down): the caller asks another or again.
  }
  return undefined;
}

export class FaultInjector {
  readonly faults: FaultRecord[] = [];
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly rand: () => number;

  constructor(private readonly o: FaultOptions) {
    this.rand = mulberry32(o.seed ?? 7);
  }

  start(): void {
    const loop = this.run();
    this.loop = loop;
    // Held until stop() (which rethrows it), not an unhandled rejection that kills a long soak.
    this.ended = loop.then(
      () => {},
      (e: unknown) => {
        this.failed = true;
        return e;
      },
    );
  }

  /** Resolves when the schedule ended early (a daemon that would not restart); never rejects. */
  ended: Promise<unknown> = new Promise(() => {});
  /** The schedule failed: stop() rejects with why. */
  failed = false;

  /** Ends the schedule; the fault in progress is healed first. Rejects with what ended it early, if anything did. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** Whether a majority of the managers was up during all of [from, to]. One fault at a time: always. */
  majorityUpDuring(from: number, to: number): boolean {
    const n = this.o.managers.names.length;
    const down = this.faults.filter((f) => f.from < to && f.to > from).length;
    return down <= Math.floor((n - 1) / 2);
  }

  private pause(ms: number): Promise<void> {
    // The schedule's own clock: a fault lasts this long by design, it waits for no event.
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  private async findLeader(): Promise<string | undefined> {
    for (const via of this.o.managers.names) {
      const l = await leaderName(this.o.nc, via);
      if (l !== undefined) return l;
    }
    return undefined;
  }

  private async run(): Promise<void> {
    const kinds = this.o.kinds ?? LOOPBACK_FAULTS;
    const names = this.o.managers.names;
    let i = 0;
    while (!this.stopping) {
      await this.pause(i === 0 ? (this.o.firstGapMs ?? this.o.gapMs ?? 2_000) : (this.o.gapMs ?? 2_000));
      if (this.stopping) return;
      const kind = kinds[i++ % kinds.length] as FaultKind;
      const leader = await this.findLeader();
      if (leader === undefined) continue;
      const followers = names.filter((n) => n !== leader);
      const target = kind.endsWith("-follower")
        ? (followers[Math.floor(this.rand() * followers.length)] as string)
        : leader;
      const net = this.o.managers.network;
      if (NETWORK_KINDS.has(kind) && !net) throw new Error(`fault ${kind} needs managers on hosts (network control)`);
      const from = performance.now();
      if (net && kind === "partition-leader") {
        net.cut(target);
        await this.pause(this.o.downMs ?? 1_500);
        net.heal(target);
      } else if (net && kind === "drop-in-follower") {
        net.dropIn(target);
        await this.pause(this.o.downMs ?? 1_500);
        net.heal(target);
      } else if (net && kind === "kill-nats-leader") {
        await net.killNats(target);
        await this.pause(this.o.downMs ?? 1_500);
        await net.startNats(target);
      } else if (kind === "kill-leader") {
        await this.o.managers.kill(target);
        await this.pause(this.o.downMs ?? 1_500);
        await this.o.managers.start(target);
      } else {
        this.o.managers.signal(target, "SIGSTOP");
        await this.pause(this.o.downMs ?? 1_500);
        this.o.managers.signal(target, "SIGCONT");
      }
      this.faults.push({ kind, target, from, to: performance.now() });
    }
  }
}

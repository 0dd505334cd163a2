import type { NatsConnection } from "@nats-io/transport-node";
import { callDaemon } from "../../../src/bus/daemon-client.ts";
import { RpcError } from "../../../src/rpc/status.ts";
import { mulberry32 } from "../../raft/sim/support/prng.ts";
import { HistoryRecorder, type Value } from "./history.ts";

/**
 * Concurrent clients on real daemons, each a register per key through the control API, as a
 * user's `docker node update --label-add` and `docker node inspect` reach it: the daemon API
 * (`node.update`, `node.inspect` on `<p>.daemon.<name>.…`), which calls the control API through
 * that daemon's own manager, which serves it or forwards it to the leader. Key `k` is the label
 * `lin.<k>` on one node. Every client is bound to one daemon, and the clients are spread over all
 * of them, so reads and writes enter at followers as well as at the leader.
 *
 * Outcomes, honestly: an update answered `update out of sequence` lost the node's version check
 * at the leader, inside the store transaction, before anything was proposed: not applied
 * (`error`). A request no daemon subscribes to (killed, NATS says no responders) never ran:
 * `error`. Every other failure (a timeout, `context deadline exceeded`, a leader lost while the
 * call waited, a connection error) may have been applied or not: `unknown`.
 */

/** A daemon a client talks to: its name on the bus and a connection to a NATS server that reaches it. */
export interface LinEndpoint {
  readonly daemon: string;
  readonly nc: NatsConnection;
}

/** A register: `key`, kept as the label `lin.<key>` of node `nodeId`. */
export interface LinRegister {
  readonly key: string;
  readonly nodeId: string;
}

export interface WorkloadOptions {
  readonly endpoints: readonly LinEndpoint[];
  readonly registers: readonly LinRegister[];
  /** Clients in all; client i is bound to endpoint i mod the number of endpoints. */
  readonly clients: number;
  /** Share of writes among the ops (the rest are reads). */
  readonly writeRatio?: number;
  /** Each call's own deadline: past it the outcome is unknown. */
  readonly callTimeoutMs?: number;
  readonly seed?: number;
  readonly recorder?: HistoryRecorder;
}

export const labelOf = (key: string): string => `lin.${key}`;

/** What the caller may conclude from a failed write: `error` only when it definitely was not applied. */
export function writeFailure(e: unknown): "error" | "unknown" {
  if (!(e instanceof RpcError)) return "unknown";
  if (/update out of sequence/.test(e.message)) return "error";
  if (/^Cannot connect to the swarmbus daemon/.test(e.message)) return "error";
  return "unknown";
}

/** The label a `node.inspect` answer shows, validated: the answer is another process's JSON. */
export function labelValue(answer: unknown, label: string): Value {
  const labels = (answer as { node?: { Spec?: { Labels?: unknown } } } | null)?.node?.Spec?.Labels;
  if (typeof labels !== "object" || labels === null) throw new Error("node.inspect: no Spec.Labels in the answer");
  const v = (labels as Record<string, unknown>)[label];
  if (v === undefined) return null;
  if (typeof v !== "string") throw new Error(`node.inspect: label ${label} is not a string`);
  return v;
}

export class Workload {
  readonly recorder: HistoryRecorder;
  private stopping = false;
  private readonly running: Promise<void>[] = [];

  constructor(private readonly o: WorkloadOptions) {
    if (o.endpoints.length === 0 || o.registers.length === 0) throw new Error("workload: no endpoints or registers");
    this.recorder = o.recorder ?? new HistoryRecorder();
  }

  start(): void {
    for (let i = 0; i < this.o.clients; i++) {
      const ep = this.o.endpoints[i % this.o.endpoints.length] as LinEndpoint;
      this.running.push(this.client(`c${i}@${ep.daemon}`, ep, mulberry32((this.o.seed ?? 1) * 1000 + i)));
    }
  }

  /** Lets every client finish its call in flight (each is bounded by its timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** One read of every register through `ep`, after the faults: each last write must show. */
  async finalReads(ep: LinEndpoint): Promise<void> {
    for (const r of this.o.registers) await this.read(`final@${ep.daemon}`, ep, r);
  }

  private async client(name: string, ep: LinEndpoint, rand: () => number): Promise<void> {
    let seq = 0;
    while (!this.stopping) {
      const reg = this.o.registers[Math.floor(rand() * this.o.registers.length)] as LinRegister;
      if (rand() < (this.o.writeRatio ?? 0.5)) await this.write(name, ep, reg, `${name}.${seq++}`);
      else await this.read(name, ep, reg);
    }
  }

  /** A client whose daemon is down (no responders) tries again after this: a user would not spin either. */
  private static readonly DOWN_PAUSE_MS = 100;

  private async paceIfDown(e: unknown): Promise<void> {
    if (e instanceof RpcError && /^Cannot connect to the swarmbus daemon/.test(e.message)) {
      await new Promise((r) => setTimeout(r, Workload.DOWN_PAUSE_MS));
    }
  }

  private async write(client: string, ep: LinEndpoint, reg: LinRegister, value: string): Promise<void> {
    const op = this.recorder.invoke(client, "write", reg.key, value);
    try {
      await callDaemon(
        ep.nc,
        ep.daemon,
        "node.update",
        { ref: reg.nodeId, labelAdd: [`${labelOf(reg.key)}=${value}`] },
        { timeoutMs: this.timeout() },
      );
      op.ok();
    } catch (e) {
      if (writeFailure(e) === "error") op.error();
      else op.unknown();
      await this.paceIfDown(e);
    }
  }

  private async read(client: string, ep: LinEndpoint, reg: LinRegister): Promise<void> {
    const op = this.recorder.invoke(client, "read", reg.key);
    let answer: unknown;
    try {
      answer = await callDaemon(ep.nc, ep.daemon, "node.inspect", { ref: reg.nodeId }, { timeoutMs: this.timeout() });
    } catch (e) {
      // A read that failed carries no value: the checker drops it either way.
      op.error();
      await this.paceIfDown(e);
      return;
    }
    op.ok(labelValue(answer, labelOf(reg.key)));
  }

  private timeout(): number {
    return this.o.callTimeoutMs ?? 3_000;
  }
}

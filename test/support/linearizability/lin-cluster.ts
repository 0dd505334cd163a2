import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { callDaemon } from "../../../src/bus/daemon-client.ts";
import { ManagerSwarm } from "../manager-swarm.ts";
import { lsLeaders, oneLeaderAnd } from "../node-ls.ts";
import { TestSwarm } from "../swarm.ts";
import { waitFor } from "../wait-for.ts";
import { type CheckResult, checkHistory } from "./checker.ts";
import { type Build, FailpointFiles } from "./failpoint-files.ts";
import { FaultInjector, type FaultKind, type FaultRecord, type ManagerControl } from "./faults.ts";
import { type RunFigures, runFigures } from "./figures.ts";
import type { History, Op } from "./history.ts";
import { registerModel } from "./model.ts";
import { writeFailure } from "./timeline.ts";
import { type LinEndpoint, type LinRegister, Workload } from "./workload.ts";

/**
 * A linearizability run on real daemons on this host: a nats-server, one manager daemon per name
 * (real processes, real Raft with fsync), the workload's clients spread over every manager, the
 * faults of `faults.ts`, then the checker. The workload and the faults take endpoints and a
 * process control, not this class: the same run can be pointed at daemons on other hosts.
 */

/** Where failed checks keep their history (gitignored). */
export const RESULTS_DIR = join(import.meta.dirname, "..", "..", "..", "test-results", "linearizability");

export interface LinClusterOptions {
  readonly managers: readonly [string, ...string[]];
  /** Each daemon's failpoints at start (test-only, src/config/failpoints.ts); switchTo() changes them. */
  readonly failpoints?: (name: string) => string | undefined;
}

export class LinCluster {
  readonly ms: ManagerSwarm;
  private nc: NatsConnection | undefined;
  registers: LinRegister[] = [];
  private readonly failpoints: FailpointFiles;

  constructor(readonly o: LinClusterOptions) {
    this.failpoints = new FailpointFiles(o.failpoints ?? (() => undefined));
    this.ms = new ManagerSwarm(new TestSwarm({ env: (name) => this.failpoints.env(name) }));
  }

  /** Every manager turned into another build (its failpoints), without a restart. */
  switchTo(build: Build): void {
    this.failpoints.switchTo(build);
  }

  /** The leader's name, once one leads and the others are reachable. */
  async leader(): Promise<string> {
    const names = this.o.managers;
    const rows = await this.ms.lsUntil(
      names[0],
      (r) => oneLeaderAnd(r, names.length - 1),
      "one Leader, the others Reachable",
      30_000,
    );
    return lsLeaders(rows)[0] as string;
  }

  get bus(): NatsConnection {
    if (!this.nc) throw new Error("the cluster is not formed");
    return this.nc;
  }

  /** The first manager inits, the others join; one register per manager's node. */
  async form(): Promise<void> {
    await this.ms.swarm.start();
    const [first, ...others] = this.o.managers;
    await this.ms.form(first, others);
    await this.ms.lsUntil(first, (r) => oneLeaderAnd(r, others.length), "one Leader, the others Reachable", 30_000);
    this.nc = await this.ms.swarm.nats.connect("lin-client");
    const ls = await callDaemon(this.bus, first, "node.ls", {});
    const nodes = ls.nodes as { ID: string; Description?: { Hostname?: string } }[];
    this.registers = this.o.managers.map((m, i) => {
      const node = nodes.find((n) => n.Description?.Hostname === m);
      if (!node) throw new Error(`node ls shows no node ${m}`);
      return { key: `k${i}`, nodeId: node.ID };
    });
  }

  endpoints(): LinEndpoint[] {
    return this.o.managers.map((daemon) => ({ daemon, nc: this.bus }));
  }

  async stop(): Promise<void> {
    // A manager left stopped would ignore the SIGTERM of the teardown until its SIGKILL.
    for (const d of this.ms.swarm.daemons.values()) d.kill("SIGCONT");
    await this.ms.swarm.stop();
    this.failpoints.remove();
  }

  async run(o: RunOptions): Promise<RunReport> {
    return runLin(
      {
        endpoints: this.endpoints(),
        registers: this.registers,
        managers: {
          names: this.o.managers,
          kill: (n: string) => this.ms.kill(n),
          start: (n: string) => this.ms.start(n),
          signal: (n: string, sig: "SIGSTOP" | "SIGCONT") => this.ms.swarm.daemons.get(n)?.kill(sig),
        },
        nc: this.bus,
        healed: () =>
          this.ms.lsUntil(this.o.managers[0], (r) => oneLeaderAnd(r, this.o.managers.length - 1), "healed", 30_000),
      },
      o,
    );
  }
}

/** What a run needs of a cluster, wherever its managers run (this host: LinCluster; hosts: lin-hosts.ts). */
export interface LinTarget {
  /** Where clients connect (client i to endpoint i mod n); the final reads go through the first. */
  readonly endpoints: readonly LinEndpoint[];
  readonly registers: readonly LinRegister[];
  readonly managers: ManagerControl;
  /** A connection the fault schedule asks `node.ls` through. */
  readonly nc: NatsConnection;
  /** Resolves once, after the faults, one leader and every manager reachable again. */
  healed(): Promise<unknown>;
}

/** The workload with the faults for `durationMs`, then the final reads and the check. */
export async function runLin(t: LinTarget, o: RunOptions): Promise<RunReport> {
  const workload = new Workload({
    endpoints: t.endpoints,
    // Keys of their own per run: a register starts empty (the model's initial value), whatever
    // an earlier run on this swarm left in its labels.
    registers: t.registers.map((r) => ({ ...r, key: `${o.name}.${r.key}` })),
    clients: o.clients ?? 6,
    seed: o.seed ?? 1,
    callTimeoutMs: 3_000,
  });
  const faults = new FaultInjector({
    managers: t.managers,
    nc: t.nc,
    ...(o.faults ? { kinds: o.faults } : {}),
    ...(o.firstFaultAfterMs !== undefined ? { firstGapMs: o.firstFaultAfterMs } : {}),
    ...(o.downMs !== undefined ? { downMs: o.downMs } : {}),
    ...(o.gapMs !== undefined ? { gapMs: o.gapMs } : {}),
    seed: o.seed ?? 1,
  });
  const started = performance.now();
  workload.start();
  if (o.faults === undefined || o.faults.length > 0) faults.start();
  let timer: NodeJS.Timeout | undefined;
  // The run's length by design; it ends early only if the fault schedule failed (stop() says why).
  await Promise.race([new Promise((r) => (timer = setTimeout(r, o.durationMs))), faults.ended]);
  clearTimeout(timer);
  // On a loaded machine a fault (a daemon's restart) takes longer: the run goes on until the schedule is through.
  if (o.faultsAtLeast !== undefined) {
    await waitFor(() => faults.failed || faults.faults.length >= (o.faultsAtLeast as number), {
      timeoutMs: 60_000,
      what: `${o.faultsAtLeast} faults injected and healed`,
      intervalMs: 100,
    });
  }
  await faults.stop();
  await workload.stop();
  // After the faults are healed: every register read once more, at the first endpoint's daemon.
  await t.healed();
  await workload.finalReads(t.endpoints[0] as LinEndpoint);
  const history = workload.recorder.history();
  const check = checkHistory(history, registerModel(null));
  const figures = runFigures(history, countsForAvailability(faults.faults, faults));
  const report: RunReport = {
    name: o.name,
    seconds: (performance.now() - started) / 1000,
    history,
    check,
    figures,
    faults: faults.faults,
  };
  if (check.result !== "ok") {
    report.files = writeFailure(
      RESULTS_DIR,
      `${o.name}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
      history,
      check,
    );
  }
  return report;
}

/** A call counts when a majority was up throughout its first second and its own manager was not faulted then. */
function countsForAvailability(
  faults: readonly FaultRecord[],
  injector: { majorityUpDuring(from: number, to: number): boolean },
): (op: Op) => boolean {
  return (op) => {
    const daemon = op.client.slice(op.client.indexOf("@") + 1);
    const own = faults.some((f) => f.target === daemon && f.from < op.call + 1_000 && f.to > op.call);
    return !own && injector.majorityUpDuring(op.call, op.call + 1_000);
  };
}

export interface RunOptions {
  readonly name: string;
  readonly durationMs: number;
  readonly clients?: number;
  readonly seed?: number;
  /** The faults, in turn; [] for none; default all kinds. */
  readonly faults?: readonly FaultKind[];
  /** A quiet start before the first fault. */
  readonly firstFaultAfterMs?: number;
  /** How long each fault lasts, and the quiet between two (FaultInjector's defaults otherwise). */
  readonly downMs?: number;
  readonly gapMs?: number;
  /** Past durationMs, the run goes on until this many faults were injected and healed. */
  readonly faultsAtLeast?: number;
}

export interface RunReport {
  name: string;
  seconds: number;
  history: History;
  check: CheckResult;
  figures: RunFigures;
  faults: FaultRecord[];
  /** Where the history and timeline of a failed check were written. */
  files?: { timeline: string; history: string };
}

/** One table row: what the soak script prints and the README keeps. */
export function reportRow(r: RunReport): string {
  const f = r.figures;
  const violations = r.check.keys.filter((k) => k.result === "violation").length;
  return (
    `| ${r.name} | ${r.seconds.toFixed(0)} s | ${f.operations} (${f.ok} ok, ${f.failed} failed, ${f.unknown} unknown) | ` +
    `${r.faults.length} | ${r.check.result === "unknown" ? "check unknown" : violations} | ${f.lostWrites} | ` +
    `${(f.availability * 100).toFixed(1)} % |`
  );
}

export const REPORT_HEADER =
  "| run | duration | operations | faults injected | keys with a violation | acknowledged writes lost | availability (≤ 1 s, majority up) |\n" +
  "|---|---|---|---|---|---|---|";

import type { NatsConnection } from "@nats-io/transport-node";
import { callDaemon } from "../../../src/bus/daemon-client.ts";
import { NetHosts } from "../net-hosts/index.ts";
import { formManagers, lsUntil } from "../net-hosts/swarm.ts";
import { type LsRow, lsLeaders, oneLeaderAnd } from "../node-ls.ts";
import { type Build, FailpointFiles } from "./failpoint-files.ts";
import type { ManagerControl } from "./faults.ts";
import { type RunOptions, type RunReport, runLin } from "./lin-cluster.ts";
import type { LinEndpoint, LinRegister } from "./workload.ts";

/**
 * A linearizability run on managers on hosts of their own (net-hosts/: network namespaces, one
 * nats-server of a NATS cluster and one daemon each). The clients are on the hosts: each talks to
 * its host's daemon through its host's nats-server, from inside the host's namespace, so a host
 * cut off keeps its clients, as users on that machine would be. Besides killing and stopping
 * daemons, the faults act on the network: the leader's host cut off, a follower's host hearing
 * nothing, the leader's host's nats-server killed.
 */
export class LinHosts {
  private hosts: NetHosts | undefined;
  private ncs = new Map<string, NatsConnection>();
  registers: LinRegister[] = [];

  private readonly failpoints: FailpointFiles;

  constructor(build: Build) {
    this.failpoints = new FailpointFiles(build);
  }

  get net(): NetHosts {
    if (!this.hosts) throw new Error("the hosts are not started");
    return this.hosts;
  }

  /** Three hosts, a swarm of three managers, a client connection on each host, one register per node. */
  async form(count = 3): Promise<void> {
    this.hosts = await NetHosts.start({
      count,
      daemonEnv: (h) => this.failpoints.env(h),
    });
    await formManagers(this.hosts);
    for (const h of this.hosts.names) this.ncs.set(h, await this.hosts.connect(h, `lin@${h}`));
    const first = this.hosts.names[0] as string;
    const ls = await callDaemon(this.nc(first), first, "node.ls", {});
    const nodes = ls.nodes as { ID: string; Description?: { Hostname?: string } }[];
    this.registers = this.hosts.names.map((h, i) => {
      const node = nodes.find((n) => n.Description?.Hostname === h);
      if (!node) throw new Error(`node ls shows no node ${h}`);
      return { key: `k${i}`, nodeId: node.ID };
    });
  }

  private nc(host: string): NatsConnection {
    const nc = this.ncs.get(host);
    if (!nc) throw new Error(`no client connection on ${host}`);
    return nc;
  }

  /** Every daemon turned into another build (its failpoints), without a restart. */
  switchTo(build: Build): void {
    this.failpoints.switchTo(build);
  }

  /** The leader's host, once one leads and the others are reachable. */
  async leader(): Promise<string> {
    const rows = await this.healed();
    return lsLeaders(rows)[0] as string;
  }

  private healed(timeoutMs = 60_000): Promise<LsRow[]> {
    const hosts = this.net;
    return lsUntil(
      hosts,
      hosts.names[0] as string,
      (r) => oneLeaderAnd(r, hosts.names.length - 1),
      "one Leader, the others Reachable",
      // A bound: under load ~20 on 2 cores the restarted managers took past 30 s.
      timeoutMs,
    );
  }

  run(o: RunOptions): Promise<RunReport> {
    const hosts = this.net;
    const managers: ManagerControl = {
      names: hosts.names,
      kill: (h) => hosts.signal(h, "SIGKILL"),
      start: async (h) => {
        await hosts.daemon(h);
      },
      signal: (h, sig) => {
        hosts.daemons.get(h)?.kill(sig);
      },
      network: {
        cut: (h) => hosts.cut(h),
        dropIn: (h) => hosts.dropOneWay(h, "in"),
        heal: (h) => hosts.heal(h),
        killNats: (h) => hosts.killNats(h),
        startNats: (h) => hosts.startNats(h),
      },
    };
    const endpoints: LinEndpoint[] = hosts.names.map((h) => ({ daemon: h, nc: this.nc(h) }));
    return runLin(
      {
        endpoints,
        registers: this.registers,
        managers,
        // The schedule asks for the leader through the last host (the first is cut when it leads).
        nc: this.nc(hosts.names[hosts.names.length - 1] as string),
        healed: () => this.healed(),
      },
      o,
    );
  }

  async stop(): Promise<void> {
    await this.hosts?.stop();
    this.failpoints.remove();
  }
}

import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type ClusterServer, clusterServerConfig } from "../../../src/bus/auth/server-config.ts";
import { busTrust } from "../../../src/bus/auth/trust-root.ts";
import { type NatsServerHandle, startNatsServer } from "../../../src/bus/nats-server.ts";

export const CLIENT_PORT = 4222;
export const ROUTE_PORT = 6222;

/**
 * One nats-server per host, routed into one NATS cluster, every server with the same trust
 * root (its certificate names every host's address). A server can be killed and started
 * again on its host with its config, as an operator restarts one.
 */
export class NatsCluster {
  private readonly servers = new Map<string, NatsServerHandle>();
  private readonly configs = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly trustDir: string,
    /** Host name → [its address, the command that runs a process in its namespace]. */
    private readonly hosts: ReadonlyMap<string, { address: string; launcher: readonly string[] }>,
  ) {
    const all: ClusterServer[] = [...hosts].map(([name, h]) => ({
      name: `nats-${name}`,
      listen: `${h.address}:${CLIENT_PORT}`,
      routeListen: `${h.address}:${ROUTE_PORT}`,
    }));
    for (const s of all) {
      const file = join(dir, `${s.name}.conf`);
      // nats-server reads an include's path relative to the including file.
      const trust = busTrust(trustDir);
      writeFileSync(
        file,
        clusterServerConfig(s, all, { auth: relative(dir, trust.authConfig), routeTls: relative(dir, trust.routeTls) }),
      );
      this.configs.set(s.name.replace(/^nats-/, ""), file);
    }
  }

  /** The client URL of `host`'s server. */
  url(host: string): string {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`no host ${host}`);
    return `nats://${h.address}:${CLIENT_PORT}`;
  }

  /** Every server's URL, `host`'s own first: what a daemon or CLI on `host` is given. */
  urlsFrom(host: string): string {
    return [host, ...[...this.hosts.keys()].filter((h) => h !== host)].map((h) => this.url(h)).join(",");
  }

  /** Starts `host`'s server (again); resolves once it accepts clients. */
  async start(host: string): Promise<void> {
    if (this.servers.has(host)) throw new Error(`the nats-server of ${host} is already running`);
    const h = this.hosts.get(host);
    const config = this.configs.get(host);
    if (!h || !config) throw new Error(`no host ${host}`);
    this.servers.set(host, await startNatsServer({ config, trustDir: this.trustDir, launcher: h.launcher }));
  }

  /** SIGKILLs `host`'s server (no goodbye to its clients or routes); resolves once it is gone. */
  async kill(host: string): Promise<void> {
    const s = this.servers.get(host);
    if (!s) throw new Error(`the nats-server of ${host} is not running`);
    this.servers.delete(host);
    process.kill(s.pid, "SIGKILL");
    await s.stop();
  }

  pids(): number[] {
    return [...this.servers.values()].map((s) => s.pid);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.servers.values()].map((s) => s.stop()));
    this.servers.clear();
  }

  get configDir(): string {
    return this.dir;
  }
}

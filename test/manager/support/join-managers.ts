import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectBus } from "../../../src/bus/connection.ts";
import { type NatsServerHandle, startNatsServer } from "../../../src/bus/nats-server.ts";
import { newId } from "../../../src/ca/ids.ts";
import { insecureServerCredentials } from "../../../src/ca/insecure-credentials.ts";
import { requestNodeIdentity } from "../../../src/ca/join.ts";
import { type ControlClient, controlClient } from "../../../src/manager/control-bus/index.ts";
import { HealthServer } from "../../../src/manager/health.ts";
import { type ManagerInternals, startManagerInternals } from "../../../src/manager/manager.ts";
import { tolerantService } from "../../../src/manager/safe-service.ts";
import { swarmkit } from "../../../src/rpc/proto.ts";
import { testProfile } from "./manager-cluster.ts";

/**
 * Whole managers (startManagerInternals) of one cluster on a real nats-server:
 * the first bootstraps, the others join with a manager-token identity, as
 * `swarm join` does. For tests of the raft Join as the leader answers it.
 */
export class JoinManagers {
  readonly clusterId = newId();
  readonly managers: ManagerInternals[] = [];
  private readonly conns: NatsConnection[] = [];
  private readonly closers: (() => void)[] = [];
  private constructor(
    private readonly nats: NatsServerHandle,
    private readonly dir: string,
  ) {}

  static async start(): Promise<JoinManagers> {
    const c = new JoinManagers(await startNatsServer(), mkdtempSync(join(tmpdir(), "swarmbus-raftjoin-")));
    await c.start("m1", newId(), true);
    return c;
  }

  get leader(): ManagerInternals {
    const m = this.managers[0];
    if (!m) throw new Error("no manager");
    return m;
  }

  private async start(name: string, nodeId: string, bootstrap: boolean): Promise<ManagerInternals> {
    const nc = await connectBus(this.nats, `${name}-${this.clusterId}`);
    this.conns.push(nc);
    const m = await startManagerInternals({
      nodeId,
      clusterId: this.clusterId,
      hostname: name,
      listenAddr: "127.0.0.1:0",
      advertiseAddr: "127.0.0.1:0",
      swarmDir: join(this.dir, name, "swarm"),
      profile: testProfile,
      credentials: insecureServerCredentials(this.clusterId),
      bootstrap,
      nc,
    });
    this.managers.push(m);
    return m;
  }

  /** A node ID the leader knows as a manager (NodeCA with the manager token), not yet in Raft. */
  async managerNodeId(): Promise<string> {
    const issued = await requestNodeIdentity({
      remoteAddr: this.leader.listenAddr,
      token: this.leader.joinTokens().manager,
      profile: testProfile,
    });
    return issued.identity.nodeId;
  }

  /** A second manager that joins Raft through the leader. */
  async join(name: string): Promise<ManagerInternals> {
    return this.start(name, await this.managerNodeId(), false);
  }

  /** A client of the control bus, as a daemon's. */
  async control(): Promise<ControlClient> {
    const nc = await connectBus(this.nats, `client-${this.clusterId}`);
    this.conns.push(nc);
    return controlClient(nc, this.clusterId, { timeoutMs: 3_000 });
  }

  /** An address where Health "Raft" answers SERVING (closed with the managers). */
  async healthyAddress(): Promise<string> {
    const h = await serveHealth(this.clusterId);
    this.closers.push(h.close);
    return h.addr;
  }

  async close(): Promise<void> {
    for (const m of [...this.managers].reverse()) await m.stop();
    for (const c of this.closers) c();
    for (const nc of this.conns) await nc.close();
    await this.nats.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A bare gRPC server on 127.0.0.1:0 that answers Health "Raft" SERVING to the cluster's managers. */
export async function serveHealth(clusterId: string): Promise<{ addr: string; close(): void }> {
  const health = new HealthServer();
  health.setServingStatus("Raft", "SERVING");
  const server = new Server();
  server.addService(tolerantService(swarmkit.Health.service), health.handlers(insecureServerCredentials(clusterId)));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { addr: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

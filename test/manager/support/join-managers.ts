import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@grpc/grpc-js";
import type { NatsConnection } from "@nats-io/transport-node";
import { type NatsServerHandle, startNatsServer } from "../../../src/bus/nats-server.ts";
import { newId } from "../../../src/ca/ids.ts";
import { requestNodeIdentity } from "../../../src/ca/join.ts";
import { createRootCA, type SigningRootCA } from "../../../src/ca/pki/signing-root-ca.ts";
import { tlsClientCredentials } from "../../../src/ca/tls/client-credentials.ts";
import { tlsServerCredentials } from "../../../src/ca/tls/server-credentials.ts";
import { LiveTlsMaterial, type TlsMaterial } from "../../../src/ca/tls/tls-material.ts";
import { type ControlClient, controlClient } from "../../../src/manager/control-bus/index.ts";
import { HealthServer } from "../../../src/manager/health.ts";
import { type ManagerInternals, startManagerInternals } from "../../../src/manager/manager.ts";
import { tolerantService } from "../../../src/manager/safe-service.ts";
import { swarmkit } from "../../../src/rpc/proto.ts";
import { connectAs } from "../../support/nats-server.ts";
import { issueFor, managerCredentials } from "../../support/tls-fixture.ts";
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
    readonly root: SigningRootCA,
  ) {}

  static async start(): Promise<JoinManagers> {
    const root = await createRootCA();
    const c = new JoinManagers(await startNatsServer(), mkdtempSync(join(tmpdir(), "swarmbus-raftjoin-")), root);
    const nodeId = newId();
    await c.start("m1", nodeId, await issueFor(root, { nodeId, role: "swarm-manager", clusterId: c.clusterId }), true);
    return c;
  }

  get leader(): ManagerInternals {
    const m = this.managers[0];
    if (!m) throw new Error("no manager");
    return m;
  }

  private async start(name: string, nodeId: string, tls: TlsMaterial, bootstrap: boolean): Promise<ManagerInternals> {
    const identity = { nodeId, role: "swarm-manager", clusterId: this.clusterId } as const;
    const material = new LiveTlsMaterial(tls);
    const nc = await connectAs(this.nats, `${name}-${this.clusterId}`, {
      role: "manager",
      nodeId,
      clusterId: this.clusterId,
    });
    this.conns.push(nc);
    const m = await startManagerInternals({
      nodeId,
      clusterId: this.clusterId,
      hostname: name,
      listenAddr: "127.0.0.1:0",
      advertiseAddr: "127.0.0.1:0",
      swarmDir: join(this.dir, name, "swarm"),
      profile: testProfile,
      credentials: tlsServerCredentials(material, this.clusterId),
      clientCredentials: tlsClientCredentials(identity, material),
      bootstrap,
      ...(bootstrap ? { bootstrapCA: { rootCA: this.root, nodeCertificate: tls.certificate } } : {}),
      nc,
    });
    this.managers.push(m);
    return m;
  }

  /** A node the leader knows as a manager (NodeCA with the manager token), not yet in Raft. */
  async managerIdentity() {
    return requestNodeIdentity({
      remoteAddr: this.leader.listenAddr,
      token: this.leader.joinTokens().manager,
      profile: testProfile,
    });
  }

  /** A node ID the leader knows as a manager, not yet in Raft. */
  async managerNodeId(): Promise<string> {
    return (await this.managerIdentity()).identity.nodeId;
  }

  /** A second manager that joins Raft through the leader. */
  async join(name: string): Promise<ManagerInternals> {
    const issued = await this.managerIdentity();
    const tls = { rootCA: issued.rootCACertificate, certificate: issued.certificate, key: issued.key };
    return this.start(name, issued.identity.nodeId, tls, false);
  }

  /** A client of the control bus, as the daemon of the manager `caller` (a node ID). */
  async control(caller: string): Promise<ControlClient> {
    // Any caller, a worker's too: the managers' own checks are on trial.
    const nc = await connectAs(this.nats, `client-${this.clusterId}`, "unrestricted");
    this.conns.push(nc);
    return controlClient(nc, this.clusterId, { timeoutMs: 3_000, caller });
  }

  /** An address where Health "Raft" answers SERVING (closed with the managers). */
  async healthyAddress(): Promise<string> {
    const h = await serveHealth(this.root, this.clusterId);
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

/** A bare gRPC server on 127.0.0.1:0 (a manager certificate of `root`) that answers Health "Raft" SERVING to the cluster's managers. */
export async function serveHealth(root: SigningRootCA, clusterId: string): Promise<{ addr: string; close(): void }> {
  const health = new HealthServer();
  health.setServingStatus("Raft", "SERVING");
  const creds = await managerCredentials(root, { nodeId: newId(), role: "swarm-manager", clusterId });
  const server = new Server();
  server.addService(tolerantService(swarmkit.Health.service), health.handlers(creds.server));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds.server.serverCredentials(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { addr: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

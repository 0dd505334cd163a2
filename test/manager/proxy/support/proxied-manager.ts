import {
  Client,
  type Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from "@grpc/grpc-js";
import type {
  ClientSideCredentials,
  NodeIdentity,
  PeerCall,
  ServerSideCredentials,
} from "../../../../src/ca/credentials.ts";
import { createRootCA } from "../../../../src/ca/pki/signing-root-ca.ts";
import { tlsClientCredentials } from "../../../../src/ca/tls/client-credentials.ts";
import { LiveTlsMaterial, type TlsMaterial } from "../../../../src/ca/tls/tls-material.ts";
import type { TimingProfile } from "../../../../src/config/profile.ts";
import { type BoundServer, type ManagerServices, serveManager } from "../../../../src/manager/grpc-server.ts";
import { type LeaderInfo, type LeaderProxy, leaderProxy } from "../../../../src/manager/proxy/index.ts";
import { decoded } from "../../../../src/manager/safe-service.ts";
import { swarmkit } from "../../../../src/rpc/proto.ts";
import { type RpcError, rpcError, toRpcError } from "../../../../src/rpc/status.ts";
import { anonymousChannel, issueFor, managerCredentials } from "../../../support/tls-fixture.ts";
import { asNodeMetadata, type DispatcherClient, keyOf, routingDispatcher } from "../../support/dispatcher-client.ts";
import { quickRaftProfile } from "../../support/quick-raft-profile.ts";

export const CLUSTER = "clusterproxytest";

/** The proxy tests' swarm root, and the certificates of the nodes they call as (made once, used synchronously). */
const ROOT = await createRootCA();
const CALLERS: NodeIdentity[] = [
  ...["w0", "w1", "w2", "w3", "w4", "w5", "w6", "worker1", "worker7", "worker8", "worker9"].map((n) => ({
    nodeId: n,
    role: "swarm-worker" as const,
    clusterId: CLUSTER,
  })),
  ...["caller", "m2", "m9"].map((n) => ({ nodeId: n, role: "swarm-manager" as const, clusterId: CLUSTER })),
];
const MATERIALS = new Map<string, TlsMaterial>(
  await Promise.all(CALLERS.map(async (id) => [keyOf(id), await issueFor(ROOT, id)] as const)),
);

/** A Dispatcher client of `addr`: each call goes out with the certificate of the node its metadata names. */
export function dispatcherAt(addr: string): DispatcherClient {
  return routingDispatcher({ root: ROOT, channels: new Map(), addr: () => addr, materials: MATERIALS });
}

/** The client credentials of `id` (one of CALLERS). */
export function callerCredentials(id: NodeIdentity): ClientSideCredentials {
  const m = MATERIALS.get(keyOf(id));
  if (!m) throw new Error(`no test certificate for ${keyOf(id)}: add it to CALLERS`);
  return tlsClientCredentials(id, new LiveTlsMaterial(m));
}

/** A raw client of `addr` presenting `id`'s certificate (one of CALLERS). */
export function rawClientAt(addr: string, id: NodeIdentity): Client {
  const creds = callerCredentials(id);
  return new Client(addr, creds.channelCredentials(), creds.channelOptions());
}

/** A manager's credentials: a certificate of the tests' root for manager `name`. */
export const fakeManagerCredentials = (name: string) => managerCredentials(ROOT, managerIdentity(name));

/** The metadata that makes a call of dispatcherAt's client go out as `id` (one of CALLERS). */
export function identityMetadata(id: NodeIdentity): Metadata {
  if (!MATERIALS.has(keyOf(id))) throw new Error(`no test certificate for ${keyOf(id)}: add it to CALLERS`);
  return asNodeMetadata(id);
}

/** A LeaderInfo the test sets by hand. */
export class ManualLeader implements LeaderInfo {
  leader = false;
  addr: string | undefined;
  noLeaderTicks = 0;
  quorumLost = false;
  /** How many times a relay asked for the leader's address. */
  addrReads = 0;
  isLeader = () => this.leader;
  leaderId = () => (this.addr ? `raft-${this.addr}` : undefined);
  leaderAddr = () => {
    this.addrReads++;
    return this.addr;
  };
  ticksWithNoLeader = () => this.noLeaderTicks;
  lostQuorum = () => this.quorumLost;
}

/** One call as a fake handler saw it. */
export interface Seen {
  method: string;
  /** The node the handler authenticated, or "" when the call carried no identity. */
  nodeId: string;
  role: string;
  peer: string;
}

/**
 * Fake Dispatcher/NodeCA/RootCA handlers that authenticate as the real ones do
 * (insecure credentials) and record who called: Heartbeat answers a period;
 * UpdateTaskStatus fails NotFound "node not registered" for session "gone";
 * Session writes `sessionMessages` messages naming the caller, then stays open
 * until cancelled (or ends with an error for session "fail").
 */
export class FakeManager {
  readonly seen: Seen[] = [];
  readonly cancelled: string[] = [];
  sessionMessages = 3;
  constructor(
    readonly name: string,
    readonly creds: ServerSideCredentials,
  ) {}

  private auth(method: string, call: PeerCall): Seen {
    const id = this.creds.authenticate(call);
    const peer = call.getPeer();
    const s = { method, nodeId: id.nodeId, role: id.role, peer };
    this.seen.push(s);
    return s;
  }

  services(): ManagerServices {
    return {
      dispatcher: {
        Heartbeat: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
          try {
            decoded(call.request);
            this.auth("Heartbeat", call);
            cb(null, { period: { seconds: "5", nanos: 0 } });
          } catch (e) {
            cb(toRpcError(e).toServiceError());
          }
        },
        UpdateTaskStatus: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
          try {
            const req = decoded(call.request) as { session_id: string };
            this.auth("UpdateTaskStatus", call);
            if (req.session_id === "gone") throw rpcError("NotFound", "node not registered");
            cb(null, {});
          } catch (e) {
            cb(toRpcError(e).toServiceError());
          }
        },
        Session: (call: ServerWritableStream<unknown, unknown>) => {
          try {
            const req = decoded(call.request) as { session_id: string };
            const s = this.auth("Session", call);
            call.on("cancelled", () => this.cancelled.push(s.nodeId));
            for (let i = 0; i < this.sessionMessages; i++) {
              call.write({ session_id: `${this.name}-${i}`, node: { id: s.nodeId }, managers: [] });
            }
            if (req.session_id === "fail")
              call.emit("error", rpcError("Aborted", "dispatcher is stopped").toServiceError());
          } catch (e) {
            call.emit("error", toRpcError(e).toServiceError());
          }
        },
        Assignments: (call: ServerWritableStream<unknown, unknown>) => {
          try {
            decoded(call.request);
            this.auth("Assignments", call);
            call.write({ type: "COMPLETE", results_in: "1", changes: [] });
            call.end();
          } catch (e) {
            call.emit("error", toRpcError(e).toServiceError());
          }
        },
      },
      nodeCA: {
        IssueNodeCertificate: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
          try {
            decoded(call.request);
            let nodeId = "";
            try {
              nodeId = this.creds.authenticate(call).nodeId;
            } catch {
              // a joining node has no identity
            }
            this.seen.push({ method: "IssueNodeCertificate", nodeId, role: "", peer: call.getPeer() });
            cb(null, { node_id: "newnode", node_membership: "ACCEPTED" });
          } catch (e) {
            cb(toRpcError(e).toServiceError());
          }
        },
        NodeCertificateStatus: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) =>
          cb(rpcError("NotFound", "node newnode not found").toServiceError()),
      },
      rootCA: {
        GetRootCACertificate: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) =>
          cb(null, { certificate: Buffer.from(`root CA of ${this.name}`) }),
      },
    };
  }
}

export const managerIdentity = (nodeId: string): NodeIdentity => ({
  nodeId,
  role: "swarm-manager",
  clusterId: CLUSTER,
});
export const workerIdentity = (nodeId: string): NodeIdentity => ({ nodeId, role: "swarm-worker", clusterId: CLUSTER });

/** A manager: a fake behind the leader proxy, served by serveManager on 127.0.0.1:0. */
export interface ProxiedManager {
  readonly name: string;
  readonly fake: FakeManager;
  readonly leader: ManualLeader;
  readonly proxy: LeaderProxy;
  readonly server: BoundServer;
  readonly addr: string;
  close(): Promise<void>;
}

export async function startManager(name: string, profile: TimingProfile = quickRaftProfile): Promise<ProxiedManager> {
  const creds = await fakeManagerCredentials(name);
  const fake = new FakeManager(name, creds.server);
  const leader = new ManualLeader();
  const proxy = leaderProxy({
    local: fake.services(),
    leader,
    profile,
    clientCredentials: creds.client,
    serverCredentials: fake.creds,
    clusterId: () => CLUSTER,
  });
  const server = await serveManager("127.0.0.1:0", fake.creds, proxy.services);
  return {
    name,
    fake,
    leader,
    proxy,
    server,
    addr: server.listenAddr,
    async close() {
      proxy.close();
      await server.shutdown(100);
    },
  };
}

/** NodeCA and RootCA clients of a node without a certificate (TLS pinned to the root). */
export const nodeCAAt = (addr: string) => {
  const { creds, options } = anonymousChannel(ROOT.certificate);
  return new swarmkit.NodeCA(addr, creds, options);
};
export const rootCAAt = (addr: string) => {
  const { creds, options } = anonymousChannel(ROOT.certificate);
  return new swarmkit.RootCA(addr, creds, options);
};

/** A unary call as a promise of its result or its RpcError. */
export function unary<R>(
  fn: (cb: (err: Error | null, res?: R) => void) => void,
): Promise<{ ok: true; res: R } | { ok: false; err: RpcError }> {
  return new Promise((resolve) =>
    fn((err, res) => resolve(err ? { ok: false, err: toRpcError(err) } : { ok: true, res: res as R })),
  );
}

export const deadlineIn = (ms: number) => ({ deadline: Date.now() + ms });

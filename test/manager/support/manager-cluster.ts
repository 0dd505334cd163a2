import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ClientReadableStream, Metadata } from "@grpc/grpc-js";
import type { StoredAccountSigner } from "../../../src/bus/auth/manager-credentials.ts";
import type { ClientSideCredentials, IssuedIdentity, ServerSideCredentials } from "../../../src/ca/credentials.ts";
import { newId } from "../../../src/ca/ids.ts";
import { requestNodeIdentity } from "../../../src/ca/join.ts";
import { createRootCA } from "../../../src/ca/pki/signing-root-ca.ts";
import { profiles, type TimingProfile } from "../../../src/config/profile.ts";
import type { SessionMessage__Output } from "../../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import type { SessionRequest } from "../../../src/gen/docker/swarmkit/v1/SessionRequest.ts";
import { type ManagerInternals, startManagerInternals } from "../../../src/manager/manager.ts";
import { type RpcError, toRpcError } from "../../../src/rpc/status.ts";
import { managerCredentials } from "../../support/tls-fixture.ts";
import { collector } from "../../support/wait-for.ts";
import { type DispatcherClient, routingDispatcher, type TestNodes } from "./dispatcher-client.ts";

/** A small clock for tests: heartbeat 200 ms ± 20 ms, grace × 3. */
export const testProfile: TimingProfile = {
  ...profiles.fast,
  heartbeatPeriodMs: 200,
  heartbeatEpsilonMs: 20,
  rateLimitPeriodMs: 60_000,
  requestTimeoutMs: 2_000,
  dispatcherRpcTimeoutMs: 2_000,
  joinTimeoutMs: 5_000,
};

export interface TestCluster extends TestNodes {
  /** The manager's credentials (its certificate of the cluster's root), for a test that starts it itself. */
  creds: { server: ServerSideCredentials; client: ClientSideCredentials };
  manager: ManagerInternals;
  swarmDir: string;
  clusterId: string;
  managerId: string;
  profile: TimingProfile;
  closers: (() => void | Promise<void>)[];
  restart(): Promise<ManagerInternals>;
  close(): Promise<void>;
}

export async function startCluster(
  profile: TimingProfile = testProfile,
  dir?: string,
  /** The swarm NATS account's signer the new cluster keeps (its CA then issues managers' bus credentials). */
  natsSigner?: StoredAccountSigner,
): Promise<TestCluster> {
  // The manager keeps its Raft data in <state-dir>/swarm/raft: swarmDir is <temp>/swarm.
  const swarmDir = dir ?? join(mkdtempSync(join(tmpdir(), "swarmbus-mgr-")), "swarm");
  const clusterId = newId();
  const managerId = newId();
  const root = await createRootCA();
  const creds = await managerCredentials(root, { nodeId: managerId, role: "swarm-manager", clusterId });
  // A restart comes back on the address it bound first, as the daemon's does (docker-state.json).
  const start = (bootstrap: boolean, addr = "127.0.0.1:0") =>
    startManagerInternals({
      nodeId: managerId,
      clusterId,
      hostname: "m1",
      listenAddr: addr,
      advertiseAddr: addr,
      swarmDir,
      profile,
      credentials: creds.server,
      clientCredentials: creds.client,
      bootstrap,
      ...(bootstrap
        ? { bootstrapCA: { rootCA: root, nodeCertificate: creds.certificate, ...(natsSigner ? { natsSigner } : {}) } }
        : {}),
    });
  const closers: (() => void | Promise<void>)[] = [];
  const cluster: TestCluster = {
    manager: await start(true),
    root,
    creds,
    channels: new Map(),
    addr: () => cluster.manager.listenAddr,
    swarmDir,
    clusterId,
    managerId,
    profile,
    closers,
    async restart() {
      const addr = cluster.manager.listenAddr;
      await cluster.manager.stop();
      cluster.manager = await start(false, addr);
      return cluster.manager;
    },
    async close() {
      for (const c of closers.reverse()) await c();
      await cluster.manager.stop();
      rmSync(dirname(swarmDir), { recursive: true, force: true });
    },
  };
  return cluster;
}

export function dispatcherClient(c: TestCluster): DispatcherClient {
  const client = routingDispatcher(c);
  c.closers.push(() => client.close());
  return client;
}

/** Joins a worker through NodeCA with the cluster's worker token. */
export async function joinWorker(c: TestCluster): Promise<IssuedIdentity> {
  return requestNodeIdentity({
    remoteAddr: c.manager.listenAddr,
    token: c.manager.joinTokens().worker,
    profile: c.profile,
  });
}

export interface OpenSession {
  stream: ClientReadableStream<SessionMessage__Output>;
  messages: ReturnType<typeof collector<SessionMessage__Output>>;
  first: Promise<SessionMessage__Output>;
  /** Resolves with the status the stream ended with. */
  ended: Promise<RpcError>;
}

export function openSession(
  c: TestCluster,
  client: DispatcherClient,
  md: Metadata,
  req: SessionRequest = {},
): OpenSession {
  const stream = client.Session(req, md);
  const messages = collector<SessionMessage__Output>();
  stream.on("data", messages.push);
  const ended = new Promise<RpcError>((resolve) => {
    stream.on("error", (e) => resolve(toRpcError(e)));
  });
  const first = Promise.race([
    messages.waitFor(() => true, { timeoutMs: 3000, what: "the first SessionMessage" }),
    ended.then((e) => {
      throw e;
    }),
  ]);
  first.catch(() => {});
  c.closers.push(() => stream.cancel());
  return { stream, messages, first, ended };
}

export function call<Res>(invoke: (cb: (err: unknown, res?: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(toRpcError(err)) : resolve(res as Res)));
  });
}

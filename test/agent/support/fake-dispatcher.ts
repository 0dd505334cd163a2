import * as grpc from "@grpc/grpc-js";
import { createRootCA } from "../../../src/ca/pki/signing-root-ca.ts";
import type { DispatcherHandlers } from "../../../src/gen/docker/swarmkit/v1/Dispatcher.ts";
import type { SessionMessage } from "../../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import type { SessionRequest__Output } from "../../../src/gen/docker/swarmkit/v1/SessionRequest.ts";
import { swarmkit } from "../../../src/rpc/proto.ts";
import { type RpcError, rpcError, toRpcError } from "../../../src/rpc/status.ts";
import { issueFor, managerCredentials } from "../../support/tls-fixture.ts";

/**
 * A small scriptable Dispatcher on 127.0.0.1:0 for agent tests: it registers
 * sessions as SK: manager/dispatcher does (a new session ID unless the one
 * presented is still registered), answers heartbeats with a fixed period, and
 * can be told to forget a node, stay silent, refuse sessions, or die.
 */
export const TEST_CLUSTER_ID = "testcluster0000000000000";

/** The test swarm's root: every fake manager presents one manager certificate of it; the agent "w1" has its own. */
const TEST_ROOT = await createRootCA();
const FAKE_MANAGER = await managerCredentials(TEST_ROOT, {
  nodeId: "fakemanager00000000000000",
  role: "swarm-manager",
  clusterId: TEST_CLUSTER_ID,
});
export const W1_TLS = await issueFor(TEST_ROOT, { nodeId: "w1", role: "swarm-worker", clusterId: TEST_CLUSTER_ID });

export interface FakeDispatcherOptions {
  /** The manager's node ID, used in its session IDs and in the managers list. */
  readonly nodeId: string;
  readonly heartbeatPeriodMs: number;
  /** Answer Assignments with Unimplemented instead of holding the stream open. */
  readonly assignmentsUnimplemented?: boolean;
}

export interface SessionCall {
  readonly nodeId: string;
  /** The session ID the agent presented. */
  readonly presented: string;
  /** The one the dispatcher gave (or "" when it stayed silent or refused). */
  readonly given: string;
}

export interface FakeDispatcher {
  readonly addr: string;
  readonly nodeId: string;
  readonly sessions: SessionCall[];
  /** Session IDs of the heartbeats received, in order. */
  readonly heartbeats: string[];
  /** The managers announced in every SessionMessage (defaults to this one alone). */
  managers: { nodeId: string; addr: string }[];
  /** When true, Session streams are held open without ever sending the first message. */
  silent: boolean;
  /** When true, the first message of a Session carries no session ID (a broken manager). */
  sendEmptySessionId: boolean;
  /** When set, Session calls fail with this error. */
  refuseWith: RpcError | undefined;
  /** Drops the node's registration: its next heartbeat gets NotFound "node not registered". */
  forget(nodeId: string): void;
  /** Ends every open Session stream with this error. */
  endSessions(err: RpcError): void;
  /** The process dies: every connection drops at once. */
  kill(): void;
  stop(): Promise<void>;
}

export async function startFakeDispatcher(opts: FakeDispatcherOptions): Promise<FakeDispatcher> {
  const auth = FAKE_MANAGER.server;
  const server = new grpc.Server();
  const registered = new Map<string, string>();
  const open = new Set<grpc.ServerWritableStream<SessionRequest__Output, SessionMessage>>();
  let n = 0;

  const authenticate = (call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>) =>
    auth.authenticate(call);

  const handlers: DispatcherHandlers = {
    Session(call) {
      let nodeId: string;
      try {
        nodeId = authenticate(call).nodeId;
      } catch (e) {
        call.emit("error", toRpcError(e).toServiceError());
        return;
      }
      const presented = call.request.session_id;
      if (fake.refuseWith) {
        fake.sessions.push({ nodeId, presented, given: "" });
        call.emit("error", fake.refuseWith.toServiceError());
        return;
      }
      open.add(call);
      call.on("cancelled", () => open.delete(call));
      if (fake.sendEmptySessionId) {
        fake.sessions.push({ nodeId, presented, given: "" });
        call.write({ session_id: "" });
        return;
      }
      if (fake.silent) {
        fake.sessions.push({ nodeId, presented, given: "" });
        return;
      }
      let given = registered.get(nodeId);
      if (!given || given !== presented) {
        given = `${opts.nodeId}-session-${++n}`;
        registered.set(nodeId, given);
      }
      fake.sessions.push({ nodeId, presented, given });
      call.write({
        session_id: given,
        node: { id: nodeId },
        managers: fake.managers.map((m) => ({ peer: { node_id: m.nodeId, addr: m.addr }, weight: 10 })),
      });
    },
    Heartbeat(call, callback) {
      try {
        const nodeId = authenticate(call).nodeId;
        fake.heartbeats.push(call.request.session_id);
        const current = registered.get(nodeId);
        if (!current) throw rpcError("NotFound", "node not registered");
        if (current !== call.request.session_id) throw rpcError("InvalidArgument", "session invalid");
        const ms = opts.heartbeatPeriodMs;
        callback(null, { period: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } });
      } catch (e) {
        callback(toRpcError(e).toServiceError() as grpc.ServiceError);
      }
    },
    UpdateTaskStatus(_call, callback) {
      callback(null, {});
    },
    Assignments(call) {
      if (opts.assignmentsUnimplemented) {
        call.emit("error", rpcError("Unimplemented", "unknown method Assignments").toServiceError());
        return;
      }
      // Held open with nothing to assign.
      call.on("cancelled", () => {});
    },
  };
  server.addService(swarmkit.Dispatcher.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", auth.serverCredentials(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const addr = `127.0.0.1:${port}`;

  const fake: FakeDispatcher = {
    addr,
    nodeId: opts.nodeId,
    sessions: [],
    heartbeats: [],
    managers: [{ nodeId: opts.nodeId, addr }],
    silent: false,
    sendEmptySessionId: false,
    refuseWith: undefined,
    forget: (nodeId) => {
      registered.delete(nodeId);
    },
    endSessions: (err) => {
      for (const call of open) call.emit("error", err.toServiceError());
      open.clear();
    },
    kill: () => {
      server.forceShutdown();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const call of open) call.end();
        open.clear();
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
  return fake;
}

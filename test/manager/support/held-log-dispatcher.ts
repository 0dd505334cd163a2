import { EventEmitter } from "node:events";
import { Metadata, type ServerWritableStream } from "@grpc/grpc-js";
import type { NodeIdentity, PeerCall, ServerSideCredentials } from "../../../src/ca/credentials.ts";
import { profiles, type TimingProfile } from "../../../src/config/profile.ts";
import type { SessionMessage } from "../../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import type { SessionRequest__Output } from "../../../src/gen/docker/swarmkit/v1/SessionRequest.ts";
import { Dispatcher } from "../../../src/manager/dispatcher.ts";
import { ReplicatedStore, type WriteTx } from "../../../src/manager/store.ts";
import { type CodeNumber, RpcError } from "../../../src/rpc/status.ts";

/** Heartbeat 50 ms ± 5 ms: a grace period of ~150 ms (× 6 for a node UNKNOWN after a leadership change). */
export const shortGraceProfile: TimingProfile = { ...profiles.fast, heartbeatPeriodMs: 50, heartbeatEpsilonMs: 5 };

/** A store (counting the writes submitted to it) whose log the test can hold: a held proposal waits for release. */
export class HeldLogStore extends ReplicatedStore {
  submitted = 0;
  /** Proposals waiting for release (the store pipelines: several may wait at once). */
  waiting = 0;
  private held = false;
  private releases: (() => void)[] = [];

  constructor() {
    super();
    this.attach({
      isLeader: () => true,
      propose: async (data) => {
        if (this.held) {
          this.waiting++;
          await new Promise<void>((r) => this.releases.push(r));
          this.waiting--;
        }
        this.apply(data);
      },
    });
  }

  override update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    this.submitted++;
    return super.update(fn);
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const r of this.releases.splice(0)) r();
  }
}

/** A Session call as the dispatcher sees it, from the node the test names (its certificate, in effect). */
export interface FakeSession {
  /** The first SessionMessage (the node is registered), or the error the stream ended with. */
  readonly first: Promise<SessionMessage>;
  readonly ended: Promise<RpcError>;
}

/** A real Dispatcher on a HeldLogStore; calls are made in-process, authenticated as the node they name. */
export function heldLogDispatcher(profile: TimingProfile = shortGraceProfile) {
  const store = new HeldLogStore();
  const callers = new WeakMap<PeerCall, string>();
  const credentials: ServerSideCredentials = {
    serverCredentials: () => {
      throw new Error("in-process dispatcher: no server");
    },
    authenticate: (call): NodeIdentity => ({ nodeId: callers.get(call) ?? "", role: "swarm-worker", clusterId: "c" }),
    authenticatePeer: (call): NodeIdentity => ({
      nodeId: callers.get(call) ?? "",
      role: "swarm-worker",
      clusterId: "c",
    }),
  };
  const dispatcher = new Dispatcher({
    store,
    credentials,
    profile,
    self: () => ({ nodeId: "m", addr: "127.0.0.1:2377" }),
  });

  const openSession = (nodeId: string, sessionId = ""): FakeSession => {
    let onMessage: (m: SessionMessage) => void = () => {};
    let onEnd: (e: RpcError) => void = () => {};
    const first = new Promise<SessionMessage>((resolve, reject) => {
      onMessage = resolve;
      onEnd = reject;
    });
    const ended = new Promise<RpcError>((resolve) => {
      const end = onEnd;
      onEnd = (e) => {
        end(e);
        resolve(e);
      };
    });
    first.catch(() => {});
    const request: SessionRequest__Output = { session_id: sessionId, description: null };
    const call = Object.assign(new EventEmitter(), {
      request,
      metadata: new Metadata(),
      cancelled: false,
      getPeer: () => "127.0.0.1:40000",
      getAuthContext: () => null,
      write: (m: SessionMessage) => {
        onMessage(m);
        return true;
      },
    });
    // The dispatcher emits RpcError.toServiceError(): a plain { code, details }.
    call.on("error", (e: { code: CodeNumber; details: string }) => onEnd(new RpcError(e.code, e.details)));
    callers.set(call, nodeId);
    dispatcher.session(call as unknown as ServerWritableStream<SessionRequest__Output, SessionMessage>);
    return { first, ended };
  };

  return { store, dispatcher, openSession };
}

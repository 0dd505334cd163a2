import { type Actor, assign, createActor, fromCallback, fromPromise } from "xstate";
import {
  type HeartbeatInput,
  type HeartbeatOutput,
  type OpenSessionInput,
  type SelectedManager,
  type SessionEvent,
  type SessionTiming,
  sessionMachine,
} from "../../machines/session.machine.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { SessionMessage__Output } from "../gen/docker/swarmkit/v1/SessionMessage.ts";
import { RpcError, rpcError, toRpcError } from "../rpc/status.ts";
import type { AgentHandle, AgentOptions, Peer, StartAgent } from "./api.ts";
import { DispatcherConnection } from "./dispatcher-connection.ts";
import { DEFAULT_OBSERVATION_WEIGHT, type RemotePeer, Remotes } from "./remotes.ts";
import { checkSessionMessage, managersOf } from "./session-message.ts";

/** Swarm's ErrClosed: what `ready` rejects with when the agent stops before it ever registered. */
export const ERR_AGENT_CLOSED = "agent: closed";

/** The session machine's durations, from a timing profile (dispatcherRPCTimeout, session backoff). */
export function sessionTiming(profile: TimingProfile): SessionTiming {
  return {
    sessionInitTimeoutMs: profile.dispatcherRpcTimeoutMs,
    heartbeatTimeoutMs: profile.dispatcherRpcTimeoutMs,
    backoffInitialMs: profile.sessionBackoffInitialMs,
    backoffMaxMs: profile.sessionBackoffMaxMs,
  };
}

const errorEvent = (e: unknown): SessionEvent => {
  const r = toRpcError(e);
  return { type: "SESSION_ERROR", error: { code: r.code, message: r.message } };
};

const peerKey = (p: RemotePeer) => `${p.nodeId}\u0000${p.addr}`;
const sortedPeers = (r: Remotes): Peer[] =>
  r
    .peers()
    .map((p) => ({ nodeId: p.nodeId, addr: p.addr }))
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : a.addr < b.addr ? -1 : 1));

/**
 * The agent (SK: agent/agent.go): one session actor that keeps a Dispatcher
 * session open to one of the known managers, forever, until stopped.
 */
export const startAgent: StartAgent = (opts: AgentOptions): AgentHandle => {
  const remotes = new Remotes(
    opts.managers.map((p) => ({ nodeId: p.nodeId, addr: p.addr })),
    Math.random,
  );
  // The first managers list is always handed on: the seeds (a manager's own address among them) may not be on disk
  // yet, and state.json (ManagersFile) is rewritten only when its set changes.
  let lastSaved: string | undefined;
  let conn: DispatcherConnection | undefined;
  let registeredOnce = false;
  let resolveReady: () => void = () => {};
  let rejectReady: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A caller that never awaits `ready` must not see an unhandled rejection on stop.
  ready.catch(() => {});

  const connection = (addr: string): DispatcherConnection => {
    if (conn && conn.addr === addr) return conn;
    throw new RpcError(14, `no connection to ${addr}`);
  };

  const applyManagers = (msg: SessionMessage__Output) => {
    // handleSessionMessage: observe every manager with an address, prune the rest.
    const seen = new Set<string>();
    for (const m of managersOf(msg)) {
      const peer = { nodeId: m.nodeId, addr: m.addr };
      remotes.observe(peer, m.weight);
      seen.add(peerKey(peer));
    }
    remotes.remove(...remotes.peers().filter((p) => !seen.has(peerKey(p))));
    const now = sortedPeers(remotes);
    const key = now.map(peerKey).join("\n");
    if (key !== lastSaved) {
      lastSaved = key;
      opts.onManagersChanged?.(now);
    }
  };

  const machine = sessionMachine.provide({
    actors: {
      // connectionbroker.Select: the local manager when there is one, else a weighted pick.
      selectManager: fromPromise<SelectedManager>(async () => opts.localManager?.() ?? remotes.select()),
      openSession: fromCallback<SessionEvent, OpenSessionInput>(({ input, sendBack }) => {
        conn?.close();
        conn = new DispatcherConnection(input.addr, opts.credentials);
        return conn.session(
          { description: opts.description, sessionId: input.sessionId },
          (raw) => {
            try {
              const msg = checkSessionMessage(raw);
              sendBack({ type: "SESSION_MESSAGE", sessionId: msg.session_id, managers: managersOf(msg), message: msg });
            } catch (e) {
              sendBack(errorEvent(e));
            }
          },
          (err) => sendBack(errorEvent(err)),
        );
      }),
      watchAssignments: fromCallback<SessionEvent, OpenSessionInput>(({ input, sendBack }) => {
        let c: DispatcherConnection;
        try {
          c = connection(input.addr);
        } catch (e) {
          sendBack(errorEvent(e));
          return () => {};
        }
        // SK session.watch: each INCREMENTAL message applies to the one before; a gap means a
        // message was lost, and the session starts over (a new stream begins with COMPLETE).
        let last = "";
        return c.assignments(
          input.sessionId,
          (msg) => {
            if (msg.type === "INCREMENTAL" && msg.applies_to !== last) {
              sendBack(
                errorEvent(
                  rpcError("Internal", `assignments: message applies to ${msg.applies_to}, the last one was ${last}`),
                ),
              );
              return;
            }
            last = msg.results_in;
            opts.onAssignments?.(msg);
          },
          (err) => {
            // A manager without Assignments: tolerated (Swarm falls back to the deprecated Tasks stream).
            if (err.code !== 12) sendBack(errorEvent(err));
          },
        );
      }),
      heartbeat: fromPromise<HeartbeatOutput, HeartbeatInput>(async ({ input }) =>
        connection(input.addr).heartbeat(input.sessionId, opts.profile.dispatcherRpcTimeoutMs),
      ),
    },
    actions: {
      // Full jitter, as agent.go: rand.Int63n(backoff), 0 when there is no backoff.
      drawReconnectDelay: assign({
        delayMs: ({ context }) => (context.backoffMs > 0 ? Math.floor(Math.random() * context.backoffMs) : 0),
      }),
      closeSession: ({ context }) => {
        conn?.close();
        conn = undefined;
        // The session closes its connection with Close(false): a bad observation.
        if (context.managerAddr) {
          remotes.observeIfExists(
            { nodeId: context.managerNodeId, addr: context.managerAddr },
            -DEFAULT_OBSERVATION_WEIGHT,
          );
        }
      },
      observeManagerSuccess: ({ context }) => {
        remotes.observeIfExists(
          { nodeId: context.managerNodeId, addr: context.managerAddr },
          DEFAULT_OBSERVATION_WEIGHT,
        );
      },
      notifySessionMessage: ({ event }) => {
        if (event.type !== "SESSION_MESSAGE") return;
        let msg: SessionMessage__Output;
        try {
          msg = checkSessionMessage(event.message);
        } catch {
          return; // not from our stream (an event sent from elsewhere): nothing to apply
        }
        applyManagers(msg);
        opts.onSessionMessage?.(msg);
      },
      notifyRegistered: ({ context }) => {
        if (!registeredOnce) {
          registeredOnce = true;
          resolveReady();
        }
        opts.onRegistered?.(context.sessionId);
      },
      notifyClosed: () => {},
    },
  });

  const actor: Actor<typeof machine> = createActor(machine, { input: { timing: sessionTiming(opts.profile) } });
  opts.onActor?.("session", actor);
  actor.start();

  let stopped: Promise<void> | undefined;
  const registeredSession = (): string => {
    const snap = actor.getSnapshot();
    return snap.matches({ connecting: "registered" }) ? snap.context.sessionId : "";
  };
  return {
    ready,
    updateTaskStatus: (updates) => {
      const sessionId = registeredSession();
      const c = conn;
      if (!sessionId || !c) return Promise.reject(rpcError("Unavailable", "agent: no session"));
      return c.updateTaskStatus(sessionId, updates, opts.profile.dispatcherRpcTimeoutMs);
    },
    managers: () => sortedPeers(remotes),
    sessionId: registeredSession,
    stop: () => {
      stopped ??= (async () => {
        actor.send({ type: "STOP" });
        actor.stop();
        conn?.close();
        conn = undefined;
        if (!registeredOnce) rejectReady(rpcError("Unavailable", ERR_AGENT_CLOSED));
      })();
      return stopped;
    },
  };
};

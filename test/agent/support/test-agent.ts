import * as assert from "uvu/assert";
import type { AnyActorRef } from "xstate";
import { startAgent } from "../../../src/agent/agent.ts";
import type { AgentHandle, AgentOptions, Peer } from "../../../src/agent/api.ts";
import { tlsClientCredentials } from "../../../src/ca/tls/client-credentials.ts";
import { LiveTlsMaterial } from "../../../src/ca/tls/tls-material.ts";
import { profiles } from "../../../src/config/profile.ts";
import type { SessionMessage__Output } from "../../../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import { TEST_CLUSTER_ID, W1_TLS } from "./fake-dispatcher.ts";

export type TestAgent = ReturnType<typeof startTestAgent>;

/** A worker agent "w1" on the fast profile, recording everything it reports. */
export function startTestAgent(managers: Peer[], extra: Partial<AgentOptions> = {}) {
  const registrations: string[] = [];
  const messages: SessionMessage__Output[] = [];
  const managerChanges: Peer[][] = [];
  let session: AnyActorRef | undefined;
  const agent: AgentHandle = startAgent({
    credentials: tlsClientCredentials(
      { nodeId: "w1", role: "swarm-worker", clusterId: TEST_CLUSTER_ID },
      new LiveTlsMaterial(W1_TLS),
    ),
    description: { hostname: "w1" },
    managers,
    profile: profiles.fast,
    onRegistered: (id) => registrations.push(id),
    onSessionMessage: (m) => messages.push(m),
    onManagersChanged: (m) => managerChanges.push(m),
    onActor: (name, actor) => {
      if (name === "session") session = actor;
    },
    ...extra,
  });
  return {
    agent,
    registrations,
    messages,
    managerChanges,
    /** The session actor's snapshot (state value and context). */
    snapshot: () => {
      assert.ok(session, "the agent did not announce its session actor");
      return session.getSnapshot() as {
        value: unknown;
        context: { lastError: { code: number; message: string } | null; sessionId: string; backoffMs: number };
      };
    },
  };
}

import { test } from "uvu";
import * as assert from "uvu/assert";
import { startAgent } from "../../src/agent/agent.ts";
import type { AgentHandle } from "../../src/agent/api.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { profiles } from "../../src/config/profile.ts";
import type { ManagerHandle } from "../../src/manager/api.ts";
import { startManager } from "../../src/manager/manager.ts";
import { onTeardown } from "../support/fixture.ts";
import { useTempDir } from "../support/temp-dir.ts";
import { managerCredentials } from "../support/tls-fixture.ts";
import { waitFor } from "../support/wait-for.ts";

const CLUSTER = "c0000000000000000000000001";
const NODE = "m0000000000000000000000001";
const dir = useTempDir(test, "swarmbus-agent-");
let manager: ManagerHandle | undefined;
let agent: AgentHandle | undefined;

let creds: Awaited<ReturnType<typeof managerCredentials>>;

test.before(async () => {
  const root = await createRootCA();
  creds = await managerCredentials(root, { nodeId: NODE, role: "swarm-manager", clusterId: CLUSTER });
  manager = await startManager({
    nodeId: NODE,
    clusterId: CLUSTER,
    hostname: "m1",
    listenAddr: "127.0.0.1:0",
    advertiseAddr: "127.0.0.1:0",
    swarmDir: dir,
    profile: profiles.fast,
    credentials: creds.server,
    clientCredentials: creds.client,
    bootstrap: true,
    bootstrapCA: { rootCA: root, nodeCertificate: creds.certificate },
  });
});

onTeardown(test, async () => {
  await agent?.stop();
  await manager?.stop();
});

test("the first manager's own agent registers with its dispatcher: the node goes READY and keeps heartbeating", async () => {
  const m = manager!;
  const registrations: string[] = [];
  let heartbeats = 0;
  agent = startAgent({
    credentials: creds.client,
    description: { hostname: "m1" },
    managers: [{ nodeId: "", addr: m.advertiseAddr }],
    profile: profiles.fast,
    onRegistered: (id) => registrations.push(id),
    onActor: (_name, actor) => {
      let wasBeating = false;
      actor.subscribe((snap) => {
        const beating = snap.matches({ connecting: { registered: "heartbeating" } });
        if (beating && !wasBeating) heartbeats++;
        wasBeating = beating;
      });
    },
  });
  await agent.ready;
  const a = agent;
  assert.ok(a.sessionId() !== "");
  assert.equal(a.managers(), [{ nodeId: NODE, addr: m.advertiseAddr }]);
  await waitFor(() => m.getNode(NODE).status?.state === "READY", { timeoutMs: 5000, what: "the node to be READY" });
  // Heartbeats spanning two grace periods (period × 3) keep it READY, on one session.
  const beats = 2 * profiles.fast.gracePeriodMultiplier + 1;
  await waitFor(() => heartbeats >= beats, { timeoutMs: 10_000, what: `${beats} heartbeats` });
  assert.is(m.getNode(NODE).status?.state, "READY");
  assert.is(registrations.length, 1);
});

test.run();

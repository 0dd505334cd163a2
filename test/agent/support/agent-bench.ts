import type { AgentOptions, Peer } from "../../../src/agent/api.ts";
import type { Suite } from "../../support/fixture.ts";
import { type FakeDispatcher, type FakeDispatcherOptions, startFakeDispatcher } from "./fake-dispatcher.ts";
import { startTestAgent, type TestAgent } from "./test-agent.ts";

/**
 * Fake dispatchers and a recording agent "w1", started by each test and
 * stopped after it (the agents first):
 *
 *   const bench = useAgentBench(test);
 *   test("…", async () => { const m1 = await bench.dispatcher("m1"); const t = bench.agent([{ nodeId: "", addr: m1.addr }]); … });
 */
export function useAgentBench(suite: Suite) {
  let dispatchers: FakeDispatcher[] = [];
  let agents: TestAgent[] = [];
  suite.after.each(async () => {
    const started = { agents, dispatchers };
    agents = [];
    dispatchers = [];
    for (const t of started.agents) await t.agent.stop();
    await Promise.all(started.dispatchers.map((d) => d.stop()));
  });
  return {
    /** A fake Dispatcher with node ID `nodeId`, answering heartbeats with a 30 ms period unless told otherwise. */
    async dispatcher(
      nodeId: string,
      opts: Partial<Omit<FakeDispatcherOptions, "nodeId">> = {},
    ): Promise<FakeDispatcher> {
      const d = await startFakeDispatcher({ nodeId, heartbeatPeriodMs: 30, ...opts });
      dispatchers.push(d);
      return d;
    },
    agent(managers: Peer[], extra: Partial<AgentOptions> = {}): TestAgent {
      const t = startTestAgent(managers, extra);
      agents.push(t);
      return t;
    },
  };
}

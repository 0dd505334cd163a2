import type { AgentRunner } from "./agent-runner.ts";
import type { ManagerSupervisor } from "./manager-supervisor.ts";
import type { RunEpoch } from "./run-epoch.ts";

/** The run ends: its agent and manager stop, the state dir stays. */
export function runStopper(epoch: RunEpoch, agent: AgentRunner, manager: ManagerSupervisor): () => Promise<void> {
  return async () => {
    epoch.next();
    await Promise.allSettled([agent.stop(), manager.stop(false)]);
  };
}

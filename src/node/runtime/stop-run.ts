import type { AgentRunner } from "./agent-runner.ts";
import type { ManagerSupervisor } from "./manager-supervisor.ts";
import type { RunEpoch } from "./run-epoch.ts";
import type { TlsRenewer } from "./tls-renewer.ts";

/** The run ends: its agent, manager and certificate renewals stop, the state dir stays. */
export function runStopper(
  epoch: RunEpoch,
  agent: AgentRunner,
  manager: ManagerSupervisor,
  renewer: TlsRenewer,
): () => Promise<void> {
  return async () => {
    epoch.next();
    renewer.stop();
    await Promise.allSettled([agent.stop(), manager.stop(false)]);
  };
}

import type { Logger } from "pino";
import { fromPromise } from "xstate";
import {
  type NodeEvent,
  nodeMachine,
  type StartNodeInput,
  type StartNodeOutput,
  type StopManagerInput,
} from "../../../machines/node.machine.ts";
import { errManagerStopped } from "../errors.ts";
import { dropNodeKek } from "../state-dir.ts";
import type { AgentRunner } from "./agent-runner.ts";
import type { clusterStateMirror } from "./cluster-state-mirror.ts";
import type { Leave } from "./leave.ts";
import type { ManagerSupervisor } from "./manager-supervisor.ts";
import type { NodeState } from "./node-state.ts";
import type { RoleChanges } from "./role-changes.ts";
import type { RunEpoch } from "./run-epoch.ts";
import type { NodeStart } from "./start-node.ts";
import type { StartOutcome } from "./start-outcome.ts";
import type { TlsRenewer } from "./tls-renewer.ts";

/** The units that perform the node machine's effects. */
export interface NodeUnits {
  readonly state: NodeState;
  readonly start: NodeStart;
  readonly manager: ManagerSupervisor;
  readonly agent: AgentRunner;
  readonly roles: RoleChanges;
  /** Renews the node certificate in its window for as long as a run lasts. */
  readonly renewer: TlsRenewer;
  readonly leave: Leave;
  readonly outcome: StartOutcome;
  readonly epoch: RunEpoch;
  readonly mirror: ReturnType<typeof clusterStateMirror>;
  readonly log: Logger;
  /** Stops this run's agent and manager, keeps the state dir. */
  readonly stopRun: () => Promise<void>;
  readonly send: (e: NodeEvent) => void;
}

/** The node machine with each named effect performed by its unit: the one place they meet. */
export function nodeWithEffects(u: NodeUnits) {
  return nodeMachine.provide({
    actors: {
      startNode: fromPromise<StartNodeOutput, StartNodeInput>(async ({ input, signal }) => {
        u.epoch.next();
        u.roles.reset();
        try {
          const role = await u.start.run(input.mode, signal);
          // SK node.run starts the TLSRenewer once the security config is loaded.
          u.renewer.start();
          return { role };
        } catch (e) {
          u.outcome.failedWith(e);
          throw e;
        }
      }),
      startManager: fromPromise<void, void>(async () => {
        // SK runManager: RemovedFromRaft stops the manager with clearData; the role follows as worker.
        const run = u.epoch.mark();
        const removedFromRaft = run.only(() => u.roles.removedFromRaft());
        // SK superviseManager: a manager that stops on an error ends the node's run, "manager stopped: <err>".
        const fatal = run.only((e: Error) => u.send({ type: "NODE_EXITED", error: errManagerStopped(e).message }));
        try {
          await u.manager.start(removedFromRaft, fatal);
        } catch (e) {
          u.outcome.failedWith(errManagerStopped(e));
          throw e;
        }
      }),
      stopManager: fromPromise<void, StopManagerInput>(async ({ input }) => {
        await u.manager.stop(input.clearData);
        if (input.clearData) await dropNodeKek(u.state.swarmDir);
      }),
      stopNode: fromPromise<void, void>(() => u.stopRun()),
      leaveSwarm: fromPromise<void, void>(() => u.leave.leaveSwarm()),
    },
    actions: {
      startAgent: ({ context }) => u.agent.launch(context.startedAsManager),
      announceStarting: ({ context }) => u.mirror.starting(context),
      announceReady: () => {
        u.mirror.ready();
        u.state.joinCompleted();
        u.outcome.ready();
      },
      announceExit: ({ context }) => u.mirror.exited(context),
      announceRestart: ({ context }) => u.mirror.restarting(context),
      announceInactive: () => u.mirror.inactive(),
      reportStartFailure: ({ context }) => void u.outcome.failed(context.error, () => u.state.discard()),
      leftSwarm: () => u.leave.left(),
      reportLeaveFailure: () => u.leave.failed(),
      logManagerStopping: () => u.log.info("role changed to worker, stopping manager"),
    },
  });
}

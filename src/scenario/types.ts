/** A scenario as the runner executes it: validated, defaults filled in. */
export interface Scenario {
  name: string;
  description: string;
  profile: "fast" | "swarm";
  nodes: string[];
  steps: Step[];
}

/** An API step's assertion: it must fail with an error matching `error`, or succeed with a result matching `result`. */
export interface Expect {
  error?: string;
  result?: string;
}

interface Base {
  /** 1-based, as the report names it. */
  index: number;
  timeoutMs: number;
}

interface ApiBase extends Base {
  expect?: Expect;
  /** Retry until the expectation holds or the step times out. */
  until: boolean;
}

export type ProcessVerb = "start" | "stop" | "kill" | "restart" | "pause" | "resume" | "cut" | "heal";

export type Step =
  | (Base & { kind: ProcessVerb; nodes: string[] })
  | (ApiBase & { kind: "init"; node: string; forceNewCluster: boolean })
  | (ApiBase & { kind: "join"; node: string; via: string; role: "worker" | "manager" })
  | (ApiBase & { kind: "promote" | "demote"; nodes: string[]; on?: string })
  | (ApiBase & { kind: "rm"; nodes: string[]; on?: string; force: boolean })
  | (ApiBase & { kind: "leave"; node: string; force: boolean })
  | (ApiBase & { kind: "call"; verb: string; on: string; args: Record<string, unknown> })
  /** `node` undefined: any node; several: any of them. */
  | (Base & { kind: "wait"; node?: string[]; actor: string; state: string })
  | (Base & {
      kind: "run";
      on?: string;
      args: string[];
      exit?: number;
      stdout?: string;
      stderr?: string;
      until: boolean;
    });

export type ApiStep = Extract<Step, { expect?: Expect }>;

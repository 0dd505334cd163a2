import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { FILTERS, type Filter } from "./filters.ts";
import type { NodeInfo } from "./node-info.ts";

interface Entry {
  readonly filter: Filter;
  check: ((n: NodeInfo) => boolean) | null;
  failures: number;
}

/**
 * The filters a node goes through for one task (SK scheduler/pipeline.go): a
 * node stops at its first failing filter, which counts the failure; a node
 * that passes them all clears the counts. `explain` names the filters that
 * failed, most failures first, joined by "; ".
 */
export class Pipeline {
  private readonly entries: Entry[];

  constructor(filters: readonly Filter[] = FILTERS) {
    this.entries = filters.map((filter) => ({ filter, check: null, failures: 0 }));
  }

  setTask(t: Task__Output): void {
    for (const e of this.entries) {
      e.check = e.filter.forTask(t);
      e.failures = 0;
    }
  }

  process(n: NodeInfo): boolean {
    for (const e of this.entries) {
      if (e.check && !e.check(n)) {
        e.failures++;
        return false;
      }
    }
    for (const e of this.entries) e.failures = 0;
    return true;
  }

  explain(): string {
    return [...this.entries]
      .sort((a, b) => b.failures - a.failures)
      .filter((e) => e.failures > 0)
      .map((e) => e.filter.explain(e.failures))
      .join("; ");
  }
}

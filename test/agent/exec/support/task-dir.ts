import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readProcStat } from "../../../../src/agent/exec/proc-stat.ts";
import { ProcessController } from "../../../../src/agent/exec/process-controller.ts";
import type { ProcessSpec } from "../../../../src/agent/exec/process-spec.ts";
import { reapTasks } from "../../../../src/agent/exec/reap-tasks.ts";
import { onTeardown, type Suite } from "../../../support/fixture.ts";
import { useTempDir } from "../../../support/temp-dir.ts";
import { waitFor } from "../../../support/wait-for.ts";

/**
 * A tasks directory for the suite, and controllers on it; after the tests
 * every recorded process group is SIGKILLed, so a failing test leaves no
 * process behind.
 */
export function useTasksDir(suite: Suite): {
  dir: string;
  controller: (taskId: string, spec: ProcessSpec) => ProcessController;
} {
  const dir = useTempDir(suite, "swarmbus-tasks-");
  onTeardown(suite, () => reapTasks(dir, { signal: "SIGKILL", graceMs: 0 }));
  return {
    dir,
    controller: (taskId, spec) => new ProcessController({ taskId, spec, tasksDir: dir, adoptPollMs: 20 }),
  };
}

/** True while a process with this pid runs (a zombie has ended). */
export async function isRunning(pid: number): Promise<boolean> {
  const st = await readProcStat(pid);
  return st !== null && st.state !== "Z" && st.state !== "X";
}

/** Waits until the task's stdout holds `text` (the program announces it is ready), bounded. */
export function stdoutHas(c: ProcessController, text: string, timeoutMs = 5000): Promise<string> {
  return waitFor(
    async () => {
      const out = await readFile(join(c.taskDir, "stdout.log"), "utf8").catch(() => "");
      return out.includes(text) && out;
    },
    { timeoutMs, what: `stdout of ${c.taskId} to contain ${JSON.stringify(text)}` },
  );
}

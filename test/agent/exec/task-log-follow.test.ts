import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { followTaskLogs } from "../../../src/agent/exec/task-log-follow.ts";
import type { LogLine } from "../../../src/agent/exec/task-logs.ts";
import { collector } from "../../support/wait-for.ts";
import { stdoutHas, useTasksDir } from "./support/task-dir.ts";

const tasks = useTasksDir(test);

test("follow hands on the lines written after it began, as they come, from both streams", async () => {
  const c = tasks.controller("follow", {
    image: "sh",
    args: ["-c", "echo before; while [ ! -e go ]; do sleep 0.05; done; echo after; echo problem >&2; sleep 1000"],
    dir: tasks.dir,
  });
  await c.prepare();
  await c.start();
  await stdoutHas(c, "before");
  const lines = collector<LogLine>();
  const stop = await followTaskLogs(c.taskDir, lines.push, { pollMs: 20 });
  // the program goes on once a file it waits for exists
  writeFileSync(join(tasks.dir, "go"), "");
  // The two streams are two files, polled one after the other: a line of each written between the
  // two reads comes out stderr first. Each stream's own lines keep their order; across them there
  // is none to keep (the fresh-clone run of session 11 saw "problem" before "after").
  await lines.waitForCount(2, { timeoutMs: 5000, what: "the lines of both streams" });
  stop();
  const sorted = [...lines.items].sort((a, b) => a.stream.localeCompare(b.stream));
  assert.equal(sorted, [
    { stream: "stderr", line: "problem" },
    { stream: "stdout", line: "after" },
  ]);
  await c.terminate();
});

test.run();

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TaskExitError, TaskStartError } from "../../../src/agent/exec/task-controller.ts";
import { readTaskLogs } from "../../../src/agent/exec/task-logs.ts";
import { rejection } from "../../support/caught.ts";
import { useTasksDir } from "./support/task-dir.ts";

const tasks = useTasksDir(test);

test("a program that exits 0: prepare, start (a pid), wait resolves", async () => {
  const c = tasks.controller("ok", { image: "sh", args: ["-c", "exit 0"] });
  await c.prepare();
  const { pid } = await c.start();
  assert.ok(pid > 0);
  await c.wait();
});

test("a program that exits 1: wait rejects with 'task: non-zero exit (1)' and exit code 1", async () => {
  const c = tasks.controller("exit1", { image: "sh", args: ["-c", "exit 1"] });
  await c.prepare();
  await c.start();
  const e = await rejection(() => c.wait());
  assert.instance(e, TaskExitError);
  assert.is((e as TaskExitError).message, "task: non-zero exit (1)");
  assert.is((e as TaskExitError).exitCode, 1);
});

test("a program killed by a signal exits 128+signo, as a container: SIGKILL → 137", async () => {
  const c = tasks.controller("killed", { image: "sh", args: ["-c", "kill -KILL $$"] });
  await c.prepare();
  await c.start();
  const e = (await rejection(() => c.wait())) as TaskExitError;
  assert.is(e.message, "task: non-zero exit (137)");
  assert.is(e.exitCode, 137);
});

test("a program not in PATH: prepare fails with Go's words and ENOENT", async () => {
  const c = tasks.controller("nosuch", { image: "swarmbus-no-such-program" });
  const e = await rejection(() => c.prepare());
  assert.instance(e, TaskStartError);
  assert.is((e as TaskStartError).message, 'exec: "swarmbus-no-such-program": executable file not found in $PATH');
  assert.is((e as TaskStartError).code, "ENOENT");
});

test("a missing absolute path: 'no such file or directory' (ENOENT)", async () => {
  const c = tasks.controller("abs", { image: "/no/such/prog" });
  const e = (await rejection(() => c.prepare())) as TaskStartError;
  assert.is(e.message, 'exec: "/no/such/prog": stat /no/such/prog: no such file or directory');
  assert.is(e.code, "ENOENT");
});

test("a file that is not executable: 'permission denied' (EACCES)", async () => {
  const file = join(tasks.dir, "not-a-program");
  writeFileSync(file, "echo hi\n", { mode: 0o644 });
  const c = tasks.controller("noexec", { image: file });
  const e = (await rejection(() => c.prepare())) as TaskStartError;
  assert.is(e.message, `exec: "${file}": permission denied`);
  assert.is(e.code, "EACCES");
});

test("a missing working directory: prepare fails with the OS text", async () => {
  const c = tasks.controller("nodir", { image: "sh", dir: "/no/such/dir" });
  const e = (await rejection(() => c.prepare())) as TaskStartError;
  assert.is(e.message, "chdir /no/such/dir: no such file or directory");
  assert.is(e.code, "ENOENT");
});

test("COMMAND replaces the image's program, ARGs follow; env entries and the workdir apply", async () => {
  process.env.SWARMBUS_AGENT_ONLY = "leak";
  const c = tasks.controller("cmd", {
    image: "swarmbus-image-not-a-program",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
    command: ["sh", "-c", 'echo "$0 $1 $FOO ${SWARMBUS_AGENT_ONLY:-unset} $(pwd) $PATH"'],
    args: ["first", "second"],
    env: ["FOO=bar=baz"],
    dir: "/tmp",
  });
  await c.prepare();
  await c.start();
  await c.wait();
  delete process.env.SWARMBUS_AGENT_ONLY;
  const lines = await readTaskLogs(c.taskDir);
  assert.equal(lines, [
    {
      stream: "stdout",
      line: "first second bar=baz unset /tmp /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    },
  ]);
});

test("the default working directory is / as in a container", async () => {
  const c = tasks.controller("cwd", { image: "pwd" });
  await c.prepare();
  await c.start();
  await c.wait();
  assert.equal(await readTaskLogs(c.taskDir), [{ stream: "stdout", line: "/" }]);
});

test("stdout and stderr are kept per task; tail gives the last lines of each", async () => {
  const c = tasks.controller("logs", {
    image: "sh",
    args: ["-c", "for i in 1 2 3 4 5; do echo out$i; done; echo err1 >&2; echo err2 >&2"],
  });
  await c.prepare();
  await c.start();
  await c.wait();
  const all = await readTaskLogs(c.taskDir);
  assert.is(all.length, 7);
  assert.equal(await readTaskLogs(c.taskDir, { tail: 2 }), [
    { stream: "stdout", line: "out4" },
    { stream: "stdout", line: "out5" },
    { stream: "stderr", line: "err1" },
    { stream: "stderr", line: "err2" },
  ]);
  assert.equal(await readTaskLogs(c.taskDir, { tail: 1, streams: ["stdout"] }), [{ stream: "stdout", line: "out5" }]);
});

test("logs of a restarted task are appended, not truncated", async () => {
  const spec = { image: "sh", args: ["-c", "echo run"] };
  const c = tasks.controller("append", spec);
  await c.prepare();
  await c.start();
  await c.wait();
  await c.remove();
  const again = tasks.controller("append2", spec);
  await again.prepare();
  await again.start();
  await again.wait();
  assert.equal(await readTaskLogs(c.taskDir), []);
  assert.equal(await readTaskLogs(again.taskDir), [{ stream: "stdout", line: "run" }]);
});

test("tail reads from the end of a large log", async () => {
  const c = tasks.controller("big", {
    image: "sh",
    args: ["-c", "i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done"],
  });
  await c.prepare();
  await c.start();
  await c.wait();
  assert.equal(
    (await readTaskLogs(c.taskDir, { tail: 3, streams: ["stdout"] })).map((l) => l.line),
    ["line19997", "line19998", "line19999"],
  );
});

test.run();

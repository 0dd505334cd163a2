import { spawnSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { exportMachines } from "../../src/inspect/export/index.ts";
import { cliCommand } from "../../src/process/cli-command.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { thrown } from "../support/caught.ts";

const rejects = (opts: { format?: string; machine?: string }): Error =>
  thrown(() => exportMachines(opts), `exportMachines(${JSON.stringify(opts)}) did not fail`) as Error;

test("an unknown format is InvalidArgument naming the formats", () => {
  const e = rejects({ format: "svg" });
  assert.ok(isRpcError(e, "InvalidArgument"));
  assert.is(e.message, 'unknown format "svg": use one of json, dot, mermaid');
});

test("an unknown machine is InvalidArgument naming the machines", () => {
  const e = rejects({ format: "dot", machine: "dispatcher" });
  assert.ok(isRpcError(e, "InvalidArgument"));
  assert.is(
    e.message,
    'unknown machine "dispatcher": use one of node, clusterState, session, nodeLiveness, raft, task',
  );
});

test("the CLI prints the error and exits 1, writing nothing to stdout", () => {
  const cli = cliCommand();
  const r = spawnSync(cli.command, [...cli.args, "machines", "export", "--machine", "x"], {
    encoding: "utf8",
  });
  assert.is(r.status, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, /code = InvalidArgument desc = unknown machine "x": use one of node, clusterState/);
});

test.run();

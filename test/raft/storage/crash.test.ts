import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { waitFor } from "../../support/wait-for.ts";
import { entry, plain, tempRaftDir } from "./support/raft-data.ts";

const script = join(import.meta.dirname, "support", "append-loop.ts");

/** Runs the append loop, SIGKILLs it once `killAfter` acks were printed; returns the acknowledged indexes. */
async function appendThenKill(dir: string, killAfter: number): Promise<number[]> {
  const child = spawn(process.execPath, ["--import", "tsx", script, dir, "5000", "8", "8192"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const acked: number[] = [];
  let buffered = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("ack ")) acked.push(Number(line.slice(4)));
    if (acked.length >= killAfter) child.kill("SIGKILL");
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  try {
    await waitFor(() => acked.length >= killAfter || child.exitCode !== null, {
      timeoutMs: 60_000,
      what: `${killAfter} acknowledged saves`,
    });
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
  assert.ok(acked.length >= killAfter, `the child acknowledged ${acked.length} saves; stderr: ${stderr}`);
  return acked;
}

test("SIGKILL at a random moment loses no acknowledged save", async () => {
  for (let round = 0; round < 6; round++) {
    const { dir, cleanup } = tempRaftDir();
    try {
      const killAfter = 1 + Math.floor(Math.random() * 600);
      const acked = await appendThenKill(dir, killAfter);
      const { storage, state } = await RaftStorage.open(dir, { log: memoryLog() });
      const snapIndex = state.snapshot?.metadata.index ?? 0;
      const byIndex = new Map(state.entries.map((e) => [e.index, e]));
      for (const i of acked) {
        if (i <= snapIndex) continue; // covered by the snapshot
        const e = byIndex.get(i);
        assert.ok(e, `acknowledged entry ${i} survived (killed after ${killAfter} acks, snapshot ${snapIndex})`);
        assert.equal(plain([e]), plain([entry(i)]));
      }
      // and the log read back is whole: contiguous after the snapshot
      for (const [k, e] of state.entries.entries()) assert.is(e.index, snapIndex + 1 + k);
      await storage.close();
    } finally {
      cleanup();
    }
  }
});

test.run();

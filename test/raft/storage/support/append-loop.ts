// Child process of crash.test.ts: appends entries to a RaftStorage with W
// concurrent writers and prints "ack <index>" on stdout once save() resolved
// (stdout to a pipe is synchronous on Linux: a printed line was really sent).
// Every 100 acks it also saves a snapshot at the highest acknowledged index.
// Usage: append-loop.ts <dir> <count> <writers> <segmentBytes>
import { RaftStorage } from "../../../../src/raft/storage/index.ts";
import { entry, META, snapshot } from "./raft-data.ts";

const [dir, countArg, writersArg, segArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: append-loop.ts <dir> <count> <writers> <segmentBytes>");
const count = Number(countArg ?? 2000);
const writers = Number(writersArg ?? 8);

const { storage, state } = await RaftStorage.open(dir, { segmentBytes: Number(segArg ?? 65536), log: { warn() {} } });
if (!state.metadata) await storage.create(META);
process.stdout.write("ready\n");

let next = 1;
let maxAcked = 0;
let acks = 0;
let snapshotting: Promise<void> | null = null;
async function writer(): Promise<void> {
  while (next <= count) {
    const i = next++;
    await storage.save({ term: 1, vote: "0", commit: i - 1 }, [entry(i)]);
    process.stdout.write(`ack ${i}\n`);
    maxAcked = Math.max(maxAcked, i);
    if (++acks % 100 === 0 && !snapshotting) {
      snapshotting = storage.saveSnapshot(snapshot(maxAcked - 1, 1, `at ${maxAcked - 1}`)).finally(() => {
        snapshotting = null;
      });
    }
  }
}
await Promise.all(Array.from({ length: writers }, writer));
await snapshotting;
await storage.close();
process.stdout.write("done\n");

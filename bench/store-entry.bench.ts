/**
 * What a follower pays for each store entry a service's placement writes
 * (src/manager/store-codec.ts): the leader's entries of 200 created tasks
 * and of the scheduler's 200 assignments, made by a real ReplicatedStore,
 * then decoded as a follower decodes them (inflate, JSON, validation, shared
 * fields). Run it on each side of a change, one after the other.
 *
 *   node --import tsx bench/store-entry.bench.ts [--tasks 200] [--rounds 50]
 */
import { parseArgs } from "node:util";
import { newId } from "../src/ca/ids.ts";
import { serviceSpecFromFlags } from "../src/cli/service-spec.ts";
import type { Service__Output } from "../src/gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../src/gen/docker/swarmkit/v1/Task.ts";
import { newTask } from "../src/manager/orchestrator/task.ts";
import { ReplicatedStore } from "../src/manager/store.ts";
import { decodeStoreEntry, storeEntryJson } from "../src/manager/store-codec.ts";
import { percentile } from "./percentile.ts";

const { values: flags } = parseArgs({
  options: { tasks: { type: "string", default: "200" }, rounds: { type: "string", default: "50" } },
});
const count = Number(flags.tasks);
const rounds = Number(flags.rounds);

const spec = serviceSpecFromFlags({
  image: "busybox",
  args: ["sleep", "infinity"],
  name: "bench",
  replicas: count,
  constraint: [],
  placementPref: [],
  env: ["A=1", "B=2"],
  label: [],
  containerLabel: [],
});
const service = { id: "svc", meta: null, spec, spec_version: { index: "1" } } as unknown as Service__Output;

const log: Uint8Array[] = [];
const leader = new ReplicatedStore();
leader.attach({
  isLeader: () => true,
  propose: async (data) => {
    log.push(data);
    leader.apply(data);
  },
});
type Status = NonNullable<Task__Output["status"]>;
// Random IDs as the orchestrator's and the nodes' are: they are most of what does not compress.
const nodeIds = Array.from({ length: 100 }, () => newId());
const created = Array.from({ length: count }, (_, i) => {
  const t = newTask(service, { slot: i + 1 }, newId(), Date.now());
  return { ...t, status: { ...(t.status as Status), state: "PENDING" as const, message: "pending task scheduling" } };
});
await leader.update((tx) => created.map((t) => tx.putTask(t)));
const assignedStatus = { ...(created[0]?.status as Status), state: "ASSIGNED" as const, message: "assigned" };
await leader.update((tx) => {
  for (const [i, t] of created.entries())
    tx.putTask({ ...t, node_id: nodeIds[i % nodeIds.length] as string, status: assignedStatus });
});
const [createEntry, assignEntry] = log as [Uint8Array, Uint8Array];

function timeDecode(bytes: Uint8Array): number[] {
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    decodeStoreEntry(bytes);
    ms.push(performance.now() - t0);
  }
  return ms;
}
for (const [what, bytes] of [
  ["200 created tasks", createEntry],
  ["200 assignments", assignEntry],
] as const) {
  timeDecode(bytes); // warm-up
  const ms = timeDecode(bytes);
  console.log(
    JSON.stringify({
      bench: "store-entry",
      entry: what.replace("200", String(count)),
      bytes: bytes.length,
      jsonBytes: storeEntryJson(bytes).length,
      rounds,
      decodeMsP50: Number(percentile(ms, 50).toFixed(3)),
      decodeMsP90: Number(percentile(ms, 90).toFixed(3)),
    }),
  );
}

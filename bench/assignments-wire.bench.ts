/**
 * The Assignments stream's encoding (src/manager/assignments-wire.ts) against
 * proto-loader's serializer, which the leader used before, on the messages a
 * 10,000-replica service sends its 1,000 nodes (10 tasks each, one service
 * spec, each task's own ASSIGNED status), in one run so the machine's drift
 * cancels out.
 *
 *   node --import tsx bench/assignments-wire.bench.ts [--nodes 1000] [--tasks-per-node 10] [--rounds 5]
 */
import { parseArgs } from "node:util";
import { serviceSpecFromFlags } from "../src/cli/service-spec.ts";
import type { AssignmentsMessage } from "../src/gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Service__Output } from "../src/gen/docker/swarmkit/v1/Service.ts";
import { encodeAssignmentsMessage } from "../src/manager/assignments-wire.ts";
import { newTask } from "../src/manager/orchestrator/task.ts";
import { swarmkit } from "../src/rpc/proto.ts";

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "1000" },
    "tasks-per-node": { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
  },
});
const nodes = Number(flags.nodes);
const perNode = Number(flags["tasks-per-node"]);
const rounds = Number(flags.rounds);

const spec = serviceSpecFromFlags({
  image: "busybox",
  args: ["sleep", "infinity"],
  name: "bench",
  replicas: nodes * perNode,
  constraint: [],
  placementPref: [],
  env: ["A=1", "B=2"],
  label: [],
  containerLabel: [],
});
const service = { id: "svc", meta: null, spec, spec_version: { index: "1" } } as unknown as Service__Output;
const now = Date.now();
const stamp = { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1_000_000 };
const messages: AssignmentsMessage[] = Array.from({ length: nodes }, (_, n) => ({
  type: "INCREMENTAL",
  applies_to: "1",
  results_in: "2",
  changes: Array.from({ length: perNode }, (_, i) => {
    const t = newTask(service, { slot: n * perNode + i + 1 }, `task-${n}-${i}`, now);
    const task = {
      ...t,
      meta: {
        version: { index: String(20_000 + n * perNode + i) },
        created_at: { ...stamp },
        updated_at: { ...stamp },
      },
      node_id: `node-${n}`,
      status: { ...(t.status as NonNullable<typeof t.status>), state: "ASSIGNED" as const },
    };
    return { assignment: { task }, action: "UPDATE" as const };
  }),
}));

const protoLoader = swarmkit.Dispatcher.service.Assignments.responseSerialize;
const time = (encode: (m: AssignmentsMessage) => Buffer): { ms: number; bytes: number } => {
  const t0 = performance.now();
  let bytes = 0;
  for (const m of messages) bytes += encode(m).length;
  return { ms: performance.now() - t0, bytes };
};
const results: { round: number; protoLoaderMs: number; oursMs: number; protoLoaderBytes: number; oursBytes: number }[] =
  [];
for (let round = 1; round <= rounds; round++) {
  const a = time(protoLoader);
  const b = time(encodeAssignmentsMessage);
  results.push({
    round,
    protoLoaderMs: Number(a.ms.toFixed(1)),
    oursMs: Number(b.ms.toFixed(1)),
    protoLoaderBytes: a.bytes,
    oursBytes: b.bytes,
  });
}
console.log(JSON.stringify({ bench: "assignments-wire", nodes, tasksPerNode: perNode, results }));

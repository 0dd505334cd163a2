// The long linearizability run on real daemons (test/support/linearizability/lin-cluster.ts):
// three managers on this host, clients on every manager writing and reading node labels, the
// leader SIGKILLed and restarted and managers SIGSTOPped in turn, then the checker. Prints one
// table row (operations, faults injected, violations, acknowledged writes lost, availability);
// a failed check keeps its history and timeline under test-results/linearizability/.
//   npm run build && node --import tsx scripts/lin-soak.ts --seconds 600
// With --broken it runs the build whose followers answer reads from their own store (violations expected).
// With --hosts (root) the managers are on three hosts in network namespaces (test/support/net-hosts/),
// clients on every host, and the faults add the leader's host cut off, a follower's host hearing
// nothing and the leader's host's nats-server killed. --faults k1,k2 runs only those kinds
// (test/support/linearizability/faults.ts), e.g. --hosts --faults partition-leader.
import { parseArgs } from "node:util";
import { type FaultKind, LOOPBACK_FAULTS } from "../test/support/linearizability/faults.ts";
import { LinCluster, REPORT_HEADER, reportRow } from "../test/support/linearizability/lin-cluster.ts";
import { LinHosts } from "../test/support/linearizability/lin-hosts.ts";
import { netHostsUnavailable } from "../test/support/net-hosts/index.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "600" },
    clients: { type: "string", default: "6" },
    seed: { type: "string", default: "1" },
    "slow-disk-ms": { type: "string", default: "200" },
    broken: { type: "boolean", default: false },
    hosts: { type: "boolean", default: false },
    faults: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const seed = Number(values.seed);
const slowDisk = Number(values["slow-disk-ms"]);
if (![seconds, clients, seed, slowDisk].every((n) => Number.isFinite(n) && n >= 0) || seconds === 0) {
  console.error("usage: lin-soak.ts [--seconds N] [--clients N] [--seed N] [--slow-disk-ms N] [--broken] [--hosts]");
  process.exit(2);
}

const unavailable = values.hosts ? netHostsUnavailable() : undefined;
if (unavailable) {
  console.error(`--hosts: ${unavailable}`);
  process.exit(2);
}
const HOSTS_FAULTS: FaultKind[] = [
  "partition-leader",
  "drop-in-follower",
  "kill-leader",
  "kill-nats-leader",
  "stop-follower",
];
const chosen = values.faults?.split(",").map((k) => k.trim());
const known: readonly string[] = values.hosts ? HOSTS_FAULTS : LOOPBACK_FAULTS;
const unknownKind = chosen?.find((k) => !known.includes(k));
if (unknownKind !== undefined || chosen?.length === 0) {
  console.error(`--faults: ${unknownKind ?? "(empty)"} is not one of ${known.join(", ")}`);
  process.exit(2);
}
const faults = (chosen as FaultKind[] | undefined) ?? (values.hosts ? HOSTS_FAULTS : undefined);
const lagging = values.hosts ? "h3" : "m3";
const failpoints = (name: string) =>
  [values.broken ? "stale-follower-reads" : "", name === lagging && slowDisk > 0 ? `slow-disk-ms=${slowDisk}` : ""]
    .filter(Boolean)
    .join(",");
const c = values.hosts ? new LinHosts(failpoints) : new LinCluster({ managers: ["m1", "m2", "m3"], failpoints });
let code = 1;
try {
  await c.form();
  const r = await c.run({
    name: `${values.hosts ? "hosts-" : ""}soak${values.broken ? "-stale-follower-reads" : ""}`,
    durationMs: seconds * 1000,
    clients,
    seed,
    firstFaultAfterMs: 2_000,
    ...(faults ? { faults } : {}),
    ...(values.hosts ? { downMs: 2_500 } : {}),
  });
  console.log(REPORT_HEADER);
  console.log(reportRow(r));
  const byKind = new Map<string, number>();
  for (const f of r.faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  console.log(
    `faults: ${[...byKind].map(([k, n]) => `${n} ${k}`).join(", ")}; check ${r.check.result} in ${r.check.steps} steps`,
  );
  if (r.files) console.log(`history kept: ${r.files.timeline}\n              ${r.files.history}`);
  code = r.check.result === "ok" && r.figures.lostWrites === 0 ? 0 : 1;
} finally {
  await c.stop();
}
process.exit(code);

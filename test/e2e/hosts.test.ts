import { test } from "uvu";
import * as assert from "uvu/assert";
import { NetHosts, netHostsUnavailable } from "../support/net-hosts/index.ts";
import { formManagers, lsOn, lsUntil as lsUntilOn } from "../support/net-hosts/swarm.ts";
import { type LsRow, lsLeaders, lsRow, oneLeaderAnd } from "../support/node-ls.ts";

/**
 * Three managers on three hosts (network namespaces, each its own address, its own
 * nats-server of one NATS cluster, gRPC between host addresses), and what a real
 * network does to them: a host's cable pulled and plugged back, a nats-server of the
 * cluster killed, one direction of a host's traffic dropped.
 */
const unavailable = netHostsUnavailable();
let hosts: NetHosts;

const ls = (host: string) => lsOn(hosts, host);
const lsUntil = (host: string, pred: (rows: LsRow[]) => boolean, what: string, timeoutMs?: number) =>
  lsUntilOn(hosts, host, pred, what, timeoutMs);

test.before(async () => {
  if (unavailable) return;
  hosts = await NetHosts.start({ count: 3 });
  await formManagers(hosts);
});

test.after(async () => {
  await hosts?.stop();
});

function hostsTest(name: string, fn: () => Promise<void>) {
  if (unavailable) test.skip(name);
  else test(name, fn);
}
if (unavailable) process.stdout.write(`\nSKIPPED test/e2e/hosts.test.ts: ${unavailable}\n`);

hostsTest("the managers see each other at their host addresses, not loopback", async () => {
  const r = await hosts.cli("h2", "node", "inspect", "h3", "--format", "{{ .ManagerStatus.Addr }}");
  assert.is(r.stdout.trim(), hosts.grpcAddr("h3"), r.stderr);
});

hostsTest("h1 (the leader) cut off: node ls on h2 answers with a new leader and h1 Unreachable", async () => {
  hosts.cut("h1");
  const started = Date.now();
  await lsUntil(
    "h2",
    (r) => {
      const l = lsLeaders(r);
      return l.length === 1 && l[0] !== "h1" && lsRow(r, "h1")?.manager === "Unreachable";
    },
    "a leader other than h1, h1 Unreachable",
    30_000,
  );
  process.stdout.write(`\n  control API on h2 with a new leader ${Date.now() - started} ms after h1's cable was cut\n`);
  // As in Swarm, a new leader shows every node Unknown until it hears from it: h2 and h3 then
  // Ready, h1, whose heartbeats no longer arrive, Down once its heartbeat period has passed.
  const down = (r: LsRow[]) =>
    lsRow(r, "h1")?.status === "Down" && lsRow(r, "h2")?.status === "Ready" && lsRow(r, "h3")?.status === "Ready";
  await lsUntil("h2", down, "h1 Down, h2 and h3 Ready", 20_000);
  // The majority's side takes writes.
  const w = await hosts.cli("h2", "node", "update", "--availability", "pause", "h3");
  assert.is(w.stdout, "h3\n", w.stderr);
});

hostsTest("h1 plugged back in: it rejoins as a follower and sees the write made without it", async () => {
  hosts.heal("h1");
  const rows = await lsUntil(
    "h1",
    (r) => oneLeaderAnd(r, 2) && lsRow(r, "h1")?.manager === "Reachable" && lsRow(r, "h3")?.availability === "Pause",
    "h1 Reachable under another leader, h3 Paused",
    30_000,
  );
  assert.ok(lsLeaders(rows)[0] !== "h1");
});

hostsTest(
  "one direction of a follower's traffic dropped: the others keep their leader and see it Unreachable",
  async () => {
    const rows = await lsUntil("h1", (r) => oneLeaderAnd(r, 2), "one Leader, two Reachable");
    const leader = lsLeaders(rows)[0] ?? "";
    const follower = hosts.names.find((h) => h !== leader) ?? "";
    const other = hosts.names.find((h) => h !== leader && h !== follower) ?? "";
    // The follower hears nothing. What it sends gets through only until TCP's window is full of
    // data whose ACKs never arrive: the routes stall, and the others soon hear nothing from it either.
    hosts.dropOneWay(follower, "in");
    const after = await lsUntil(
      other,
      (r) => lsRow(r, follower)?.manager === "Unreachable",
      `${follower} Unreachable`,
      30_000,
    );
    // Pre-vote and check-quorum: a node that hears nothing cannot unseat the leader the majority hears.
    assert.equal(lsLeaders(after), [leader]);
    hosts.heal(follower);
    await lsUntil(other, (r) => oneLeaderAnd(r, 2), "one Leader, two Reachable again", 30_000);
  },
);

hostsTest("the leader's daemon frozen (SIGSTOP): another leader; thawed (SIGCONT): a follower again", async () => {
  const rows = await lsUntil("h3", (r) => oneLeaderAnd(r, 2), "one Leader, two Reachable");
  const frozen = lsLeaders(rows)[0] ?? "";
  const witness = hosts.names.find((h) => h !== frozen) ?? "";
  await hosts.signal(frozen, "SIGSTOP");
  try {
    await lsUntil(
      witness,
      (r) => lsLeaders(r).length === 1 && lsLeaders(r)[0] !== frozen && lsRow(r, frozen)?.manager === "Unreachable",
      `a leader other than ${frozen}, ${frozen} Unreachable`,
      30_000,
    );
  } finally {
    await hosts.signal(frozen, "SIGCONT");
  }
  const after = await lsUntil(
    frozen,
    (r) => oneLeaderAnd(r, 2) && lsRow(r, frozen)?.manager === "Reachable",
    `${frozen} Reachable under another leader`,
    30_000,
  );
  assert.ok(lsLeaders(after)[0] !== frozen);
});

// Last: a daemon whose server dies reconnects to another host's server and stays there, so after
// this its bus depends on that host's network too.
hostsTest("h2's nats-server killed: every daemon still answers through the other servers", async () => {
  await hosts.killNats("h2");
  for (const h of hosts.names) {
    const rows = await lsUntil(h, (r) => oneLeaderAnd(r, 2), `one Leader, two Reachable with h2's server down`);
    assert.is(rows.length, 3);
  }
  const leader = lsLeaders((await ls("h3")) ?? [])[0] ?? "h3";
  const w = await hosts.cliTo("h2", leader, ["node", "update", "--availability", "active", "h3"]);
  assert.is(w.stdout, "h3\n", w.stderr);
  await hosts.startNats("h2");
  await lsUntil("h2", (r) => oneLeaderAnd(r, 2) && lsRow(r, "h3")?.availability === "Active", "h3 Active");
});

test.run();

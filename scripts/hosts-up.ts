// Three (or --hosts N) managers on hosts made of Linux network namespaces, each with its own
// address, nats-server of one NATS cluster and swarmbus daemon, until Ctrl-C; then everything
// made is removed. Needs root, iproute2, nftables, nats-server and the build (npm run build):
//   node --import tsx scripts/hosts-up.ts [--hosts 3] [--profile fast|swarm]
// It prints how to run the CLI on each host and how to inject a fault by hand.
import { parseArgs } from "node:util";
import { NetHosts, netHostsUnavailable } from "../test/support/net-hosts/index.ts";
import { formManagers, lsOn } from "../test/support/net-hosts/swarm.ts";

const { values } = parseArgs({
  options: { hosts: { type: "string", default: "3" }, profile: { type: "string", default: "fast" } },
});
const count = Number(values.hosts);
if (!Number.isInteger(count) || count < 1 || count > 9 || (values.profile !== "fast" && values.profile !== "swarm")) {
  console.error("usage: hosts-up.ts [--hosts 1-9] [--profile fast|swarm]");
  process.exit(2);
}
const unavailable = netHostsUnavailable();
if (unavailable) {
  console.error(`hosts-up: cannot make hosts here: ${unavailable}`);
  process.exit(1);
}

const say = (m: string) => process.stderr.write(`hosts-up: ${m}\n`);
say(`making ${count} hosts (network namespaces), a NATS cluster of ${count} and ${count} daemons…`);
const hosts = await NetHosts.start({ count, profile: values.profile });
try {
  await formManagers(hosts);
} catch (e) {
  await hosts.stop();
  throw e;
}
const [first] = hosts.names;
const cli = (h: string) =>
  `ip netns exec ${hosts.net.ns(h)} node bin/swarmbus.js --nats ${hosts.natsUrls(h)} --nats-creds ${hosts.adminCreds} --node ${h}`;
process.stdout.write(`\n$ ${cli(first ?? "h1")} node ls\n`);
const rows = await lsOn(hosts, first ?? "h1");
for (const r of rows ?? []) process.stdout.write(`  ${r.hostname.padEnd(4)} ${r.status.padEnd(8)} ${r.manager}\n`);
process.stdout.write("\nThe CLI on each host (from this checkout):\n");
for (const h of hosts.names) process.stdout.write(`  ${h} (${hosts.address(h)}):  ${cli(h)} node ls\n`);
process.stdout.write(
  [
    "",
    "Faults by hand (h1's cable is port vh1 of the bridge namespace):",
    `  cut h1:    ip -n ${hosts.net.bridgeNs} link set vh1 down     (heal: … up)`,
    `  h1 deaf:   ip netns exec ${hosts.net.ns("h1")} nft 'add table inet t; add chain inet t i { type filter hook input priority 0; }; add rule inet t i iifname "eth0" drop'`,
    `             (heal: ip netns exec ${hosts.net.ns("h1")} nft delete table inet t)`,
    `Logs and state: ${hosts.dir}/<host>.log, ${hosts.dir}/<host>/`,
    "Ctrl-C stops the daemons and servers and removes the namespaces and that dir.",
    "",
  ].join("\n"),
);
await new Promise<never>(() => {});

/**
 * Failover across hosts: 3 managers on 3 hosts made of network namespaces (each its own address,
 * nats-server of one NATS cluster and daemon; test/support/net-hosts). Pull the leader's cable
 * (its bridge port down); from that instant, how long until `node ls` on a survivor, against its
 * own daemon through its own host's server, answers with a leader other than the cut one. A fresh
 * set of hosts per run. Needs root, iproute2, nftables and the build.
 *
 *   node --import tsx bench/failover-hosts.bench.ts --runs 5 --profile fast
 *
 * The poller runs inside the survivor's namespace (the bench process cannot reach the hosts'
 * addresses: they are on a bridge of their own), connected before the cut; it polls `node.ls`
 * every 25 ms with a 500 ms timeout, as failover.bench.ts does, and times with the wall clock,
 * which both processes share.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { connectBus } from "../src/bus/connection.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { NetHosts, netHostsUnavailable } from "../test/support/net-hosts/index.ts";
import { formManagers, lsOn } from "../test/support/net-hosts/swarm.ts";
import { percentile } from "./percentile.ts";

const LsNodes = z.object({
  nodes: z.array(
    z.object({
      Description: z.object({ Hostname: z.string() }),
      ManagerStatus: z.object({ Leader: z.boolean().optional() }).optional(),
    }),
  ),
});

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    profile: { type: "string", default: "fast" },
    // Child mode: poll node.ls on --node through --nats until a leader other than --cut answers.
    poll: { type: "boolean", default: false },
    nats: { type: "string" },
    creds: { type: "string" },
    node: { type: "string" },
    cut: { type: "string" },
  },
});

if (values.poll) await poll();
else await bench();

async function poll(): Promise<void> {
  const nc = await connectBus({ url: values.nats ?? "", creds: values.creds }, "failover-hosts-poller");
  const node = values.node ?? "";
  process.stdout.write("ready\n");
  // The parent writes the wall-clock instant of the cut.
  const cutAt = await new Promise<number>((resolve) => process.stdin.once("data", (d) => resolve(Number(String(d)))));
  for (let calls = 1; ; calls++) {
    const started = Date.now();
    try {
      const r = LsNodes.parse(await callDaemon(nc, node, "node.ls", {}, { timeoutMs: 500 }));
      const leader = r.nodes.find((n) => n.ManagerStatus?.Leader)?.Description.Hostname;
      if (leader && leader !== values.cut) {
        process.stdout.write(`${JSON.stringify({ ms: Date.now() - cutAt, leader, calls })}\n`);
        break;
      }
    } catch {
      // no leader yet, or the call timed out: the next one
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 25 - (Date.now() - started))));
  }
  await nc.close();
}

async function bench(): Promise<void> {
  const runs = Number(values.runs);
  const prof = values.profile;
  if (!Number.isInteger(runs) || runs < 1 || (prof !== "fast" && prof !== "swarm")) {
    throw new Error("usage: failover-hosts.bench.ts [--runs N] [--profile fast|swarm]");
  }
  const why = netHostsUnavailable();
  if (why) throw new Error(`cannot make hosts here: ${why}`);
  const results: { ms: number; cut: string; leader: string; survivor: string }[] = [];
  for (let run = 1; run <= runs; run++) {
    const hosts = await NetHosts.start({ count: 3, profile: prof });
    try {
      await formManagers(hosts);
      const rows = await lsOn(hosts, "h1");
      const cut = rows?.find((r) => r.manager === "Leader")?.hostname ?? "h1";
      const survivor = hosts.names.find((h) => h !== cut) ?? "";
      const child = spawn(
        hosts.launcher(survivor)[0] ?? "",
        [
          ...hosts.launcher(survivor).slice(1),
          process.execPath,
          "--import",
          "tsx",
          fileURLToPath(import.meta.url),
          "--poll",
          ...["--nats", hosts.natsUrls(survivor), "--creds", hosts.adminCreds, "--node", survivor, "--cut", cut],
        ],
        { stdio: ["pipe", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      await waitOut(() => out.includes("ready\n"), 30_000, "the poller to connect");
      const cutAt = Date.now();
      hosts.cut(cut);
      child.stdin.write(String(cutAt));
      await waitOut(() => /\{.*\}\n/.test(out), 60_000, "a new leader on the survivor");
      const r = JSON.parse(/\{.*\}/.exec(out)?.[0] ?? "{}") as { ms: number; leader: string };
      results.push({ ms: r.ms, cut, leader: r.leader, survivor });
      console.error(`run ${run}: cut ${cut}'s cable → node ls on ${survivor} names ${r.leader} after ${r.ms} ms`);
      child.kill("SIGKILL");
    } finally {
      await hosts.stop();
    }
  }
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    `failover across hosts (${prof}, ${runs} runs): node ls p50 ${percentile(ms, 50)} ms, max ${ms[ms.length - 1]} ms`,
  );
}

async function waitOut(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

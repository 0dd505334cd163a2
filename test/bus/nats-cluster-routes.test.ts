import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { NatsConnection } from "@nats-io/transport-node";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { initBusTrust } from "../../src/bus/auth/trust-root.ts";
import { connectBus } from "../../src/bus/connection.ts";
import type { NatsServerHandle } from "../../src/bus/nats-server.ts";
import { onTeardown, type Suite } from "../support/fixture.ts";
import { testCreds } from "../support/nats-server.ts";
import { useTempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  type LocalCluster,
  type RouteTls,
  type StopLater,
  startGeneratedCluster,
  startJoiner,
  startShippedCluster,
} from "./support/local-cluster.ts";

/**
 * The cluster's route port admits only the bus's servers. A route is not a client: it carries every
 * account's messages past every user's permissions, so a process that became one could publish and
 * read anything. Each test starts two servers that dial the same cluster server's route port: a
 * legitimate one (the bus's route TLS) and a rogue; it publishes on both until the legitimate one's
 * message reaches a subscriber on the cluster (the control: joining works, within the bound), then
 * goes on publishing on the rogue as long again (at least 3 s: the rogue redials every second) and
 * asserts none of its messages arrived.
 */

/** How long the control may take to join and carry a message (a route forms in well under a second). */
const JOIN_MS = 10_000;
/** At least this long after the control arrived, the rogue keeps publishing. */
const ROGUE_MIN_MS = 3_000;

interface Fixture {
  dir: string;
  trustDir: string;
  foreignTrustDir: string;
  cluster: LocalCluster;
  stopLater: StopLater;
}

function useCluster(s: Suite, prefix: string, start: (f: Omit<Fixture, "cluster">) => Promise<LocalCluster>) {
  const dir = useTempDir(s, prefix);
  const f = {} as Fixture;
  s.before(async () => {
    mkdirSync(join(dir, ".state"));
    const trustDir = (await initBusTrust(join(dir, ".state", "bus"))).dir;
    // Another bus's trust root: its server certificate is a perfectly good route certificate, of another CA.
    const foreignTrustDir = (await initBusTrust(join(dir, "foreign-bus"))).dir;
    const stopLater: StopLater = (stop) => onTeardown(s, stop);
    Object.assign(f, { dir, trustDir, foreignTrustDir, stopLater });
    f.cluster = await start(f);
  });
  return f;
}

async function connectTo(server: NatsServerHandle, trustDir: string, name: string): Promise<NatsConnection> {
  return connectBus({ url: server.url, creds: await testCreds({ trustDir }, name, "unrestricted") }, name);
}

/** Messages from the rogue that reached the cluster (none expected), once the control's did. */
async function probe(f: Fixture, tag: string, rogueTls: RouteTls): Promise<{ leaked: number; joinedMs: number }> {
  const [target] = f.cluster.routeAddrs;
  const [n1] = f.cluster.servers;
  if (!target || !n1) throw new Error("no cluster");
  const legit = await startJoiner(f.dir, f.trustDir, `legit-${tag}`, target, "bus", f.stopLater);
  const rogue = await startJoiner(f.dir, f.trustDir, `rogue-${tag}`, target, rogueTls, f.stopLater);
  const conns: NatsConnection[] = [];
  try {
    const sub = await connectTo(n1, f.trustDir, `sub-${tag}`);
    conns.push(sub);
    const onLegit = await connectTo(legit, f.trustDir, `pub-legit-${tag}`);
    conns.push(onLegit);
    const onRogue = await connectTo(rogue, f.trustDir, `pub-rogue-${tag}`);
    conns.push(onRogue);
    const got = { legit: 0, rogue: 0 };
    sub.subscribe(`swarmbus.route-probe.${tag}.*`, {
      callback: (_e, m) => {
        const from = m.subject.split(".").pop();
        if (from === "legit" || from === "rogue") got[from]++;
      },
    });
    await sub.flush();
    const started = Date.now();
    await waitFor(
      () => {
        onLegit.publish(`swarmbus.route-probe.${tag}.legit`);
        onRogue.publish(`swarmbus.route-probe.${tag}.rogue`);
        return got.legit > 0;
      },
      { timeoutMs: JOIN_MS, intervalMs: 100, what: "a message from a server with the bus's route TLS (the control)" },
    );
    const joinedMs = Date.now() - started;
    const until = Date.now() + Math.max(joinedMs, ROGUE_MIN_MS);
    while (Date.now() < until && got.rogue === 0) {
      onRogue.publish(`swarmbus.route-probe.${tag}.rogue`);
      await delay(100);
    }
    // What was published last has had its round trip to n1 before the count is read.
    await onRogue.flush();
    await sub.flush();
    return { leaked: got.rogue, joinedMs };
  } finally {
    await Promise.allSettled(conns.map((nc) => nc.close()));
  }
}

function rogueTests(s: Suite, f: Fixture): void {
  s("a server dialling the route port without TLS never becomes a route: its messages reach no one", async () => {
    const { leaked, joinedMs } = await probe(f, "plain", "none");
    assert.is(leaked, 0, "messages of the TLS-less server reached a subscriber of the cluster");
    process.stdout.write(`\n  control joined and delivered in ${joinedMs} ms; the TLS-less rogue: nothing\n`);
  });

  s("a server with a route certificate of another CA never becomes a route: its messages reach no one", async () => {
    const { leaked, joinedMs } = await probe(f, "foreign", { foreignTrustDir: f.foreignTrustDir });
    assert.is(leaked, 0, "messages of the other CA's server reached a subscriber of the cluster");
    process.stdout.write(`\n  control joined and delivered in ${joinedMs} ms; the other CA's rogue: nothing\n`);
  });
}

const shipped = suite("nats-cluster.conf");
rogueTests(
  shipped,
  useCluster(shipped, "swarmbus-routes-conf-", (f) => startShippedCluster(f.dir, f.trustDir, f.stopLater)),
);
shipped.run();

const generated = suite("clusterServerConfig");
rogueTests(
  generated,
  useCluster(generated, "swarmbus-routes-gen-", (f) => startGeneratedCluster(f.dir, f.trustDir, 2, f.stopLater)),
);
generated.run();

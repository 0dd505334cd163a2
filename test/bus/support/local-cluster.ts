import { copyFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type ClusterServer, clusterServerConfig } from "../../../src/bus/auth/server-config.ts";
import { trustFile } from "../../../src/bus/auth/trust-files.ts";
import { busTrust } from "../../../src/bus/auth/trust-root.ts";
import { type NatsServerHandle, startNatsServer } from "../../../src/bus/nats-server.ts";
import { freePort } from "../../../src/net/free-port.ts";
import { repoRoot } from "../../../src/process/cli-command.ts";

/** A NATS cluster of nats-servers on loopback, each with its route address (host:port). */
export interface LocalCluster {
  servers: NatsServerHandle[];
  routeAddrs: string[];
}

/**
 * Three servers from the shipped nats-cluster.conf, as its comments say to run it: the same file
 * copied into `dir` and run three times with each server's values in the environment; `dir`
 * must hold the trust root at .state/bus (where the file includes it from).
 */
export async function startShippedCluster(dir: string, trustDir: string, stopLater: StopLater): Promise<LocalCluster> {
  copyFileSync(join(repoRoot, "nats-cluster.conf"), join(dir, "nats-cluster.conf"));
  const clients = [await freePort(), await freePort(), await freePort()];
  const routeAddrs = [await freePort(), await freePort(), await freePort()].map((p) => `127.0.0.1:${p}`);
  const routeEnv = routeAddrs.map((a, i) => `SWARMBUS_NATS_ROUTE_${i + 1}=nats://${a}`);
  const servers: NatsServerHandle[] = [];
  for (const [i, port] of clients.entries()) {
    const env = [
      `SWARMBUS_NATS_NAME=n${i + 1}`,
      `SWARMBUS_NATS_LISTEN=127.0.0.1:${port}`,
      `SWARMBUS_NATS_ROUTE_LISTEN=${routeAddrs[i]}`,
      ...routeEnv,
    ];
    const s = await startNatsServer({ config: join(dir, "nats-cluster.conf"), trustDir, launcher: ["env", ...env] });
    stopLater(() => s.stop());
    servers.push(s);
  }
  return { servers, routeAddrs };
}

/** `count` servers from clusterServerConfig (one file each in `dir`), as an operator's script writes them. */
export async function startGeneratedCluster(
  dir: string,
  trustDir: string,
  count: number,
  stopLater: StopLater,
): Promise<LocalCluster> {
  const all: ClusterServer[] = [];
  for (let i = 1; i <= count; i++) {
    all.push({ name: `g${i}`, listen: `127.0.0.1:${await freePort()}`, routeListen: `127.0.0.1:${await freePort()}` });
  }
  const trust = busTrust(trustDir);
  const servers: NatsServerHandle[] = [];
  for (const s of all) {
    const config = join(dir, `${s.name}.conf`);
    writeFileSync(
      config,
      clusterServerConfig(s, all, { auth: relative(dir, trust.authConfig), routeTls: relative(dir, trust.routeTls) }),
    );
    const handle = await startNatsServer({ config, trustDir });
    stopLater(() => handle.stop());
    servers.push(handle);
  }
  return { servers, routeAddrs: all.map((s) => s.routeListen) };
}

/**
 * How a server that dials the cluster's route port presents itself: with the bus's own route TLS
 * (a legitimate server), with no TLS at all, or with a valid route certificate of another bus's CA
 * (`insecure`: it does not check the cluster's certificate either, so only the cluster can refuse).
 */
export type RouteTls = "bus" | "none" | { foreignTrustDir: string };

/**
 * A fourth server that routes to `routeTo` (one cluster server's route address) under the cluster's
 * name. It trusts the same operator and accounts (their JWTs are no secret: any server can preload
 * them), so a message published on it would reach the swarm account's subscribers if it became a route.
 */
export async function startJoiner(
  dir: string,
  trustDir: string,
  name: string,
  routeTo: string,
  tls: RouteTls,
  stopLater: StopLater,
): Promise<NatsServerHandle> {
  const trust = busTrust(trustDir);
  let routeTls = "";
  if (tls === "bus") routeTls = `  include ${JSON.stringify(relative(dir, trust.routeTls))}`;
  else if (tls !== "none") {
    const foreign = tls.foreignTrustDir;
    routeTls = [
      "  tls {",
      `    cert_file: ${JSON.stringify(trustFile(foreign, "serverCert"))}`,
      `    key_file: ${JSON.stringify(trustFile(foreign, "serverKey"))}`,
      `    ca_file: ${JSON.stringify(trustFile(foreign, "busCaCert"))}`,
      "    insecure: true",
      "    timeout: 2",
      "  }",
    ].join("\n");
  }
  const config = join(dir, `${name}.conf`);
  writeFileSync(
    config,
    [
      `server_name: ${JSON.stringify(name)}`,
      `listen: "127.0.0.1:${await freePort()}"`,
      "cluster {",
      "  name: swarmbus",
      `  listen: "127.0.0.1:${await freePort()}"`,
      `  routes: [${JSON.stringify(`nats://${routeTo}`)}]`,
      routeTls,
      "}",
      `include ${JSON.stringify(relative(dir, trust.authConfig))}`,
      "",
    ].join("\n"),
  );
  const handle = await startNatsServer({ config, trustDir });
  stopLater(() => handle.stop());
  return handle;
}

/** Registers a stop for after the suite (onTeardown bound to it). */
export type StopLater = (stop: () => unknown) => void;

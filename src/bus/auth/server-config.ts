/** The accounts the server trusts, public key → account JWT. */
export type PreloadedAccounts = Record<string, string>;

/**
 * The part of a nats-server config that turns on operator mode: only users whose
 * JWT chains to this operator may connect. `resolver: MEMORY` with the accounts
 * preloaded: nats-server 2.9 (Debian's) needs no account server for it.
 */
export function authConfig(
  operatorJwt: string,
  systemAccount: string,
  accounts: PreloadedAccounts,
  tls?: { certFile: string; keyFile: string },
): string {
  const preload = Object.entries(accounts).map(([key, jwt]) => `  ${key}: ${jwt}\n`);
  return [
    "# Written by `swarmbus bus init`: the bus's trust root (operator mode), and TLS on the client port.",
    `operator: ${operatorJwt}`,
    `system_account: ${systemAccount}`,
    "resolver: MEMORY",
    `resolver_preload: {\n${preload.join("")}}`,
    ...(tls
      ? [
          "# Absolute paths: nats-server reads them relative to its working directory.",
          `tls: {\n  cert_file: ${JSON.stringify(tls.certFile)}\n  key_file: ${JSON.stringify(tls.keyFile)}\n  timeout: 2\n}`,
        ]
      : []),
    "",
  ].join("\n");
}

/** A whole server config for an operator's own nats-server: where it listens, and the auth part beside it. */
export function serverConfig(listen: string, authFile: string): string {
  return [
    "# Written by `swarmbus bus init`: a nats-server for a swarmbus swarm (nats-server -c this-file).",
    `listen: ${listen}`,
    "# Not a limit on replies: a reply larger than this goes in chunks.",
    "max_payload: 4MB",
    `include ${JSON.stringify(authFile)}`,
    "",
  ].join("\n");
}

/**
 * The `tls {}` of a NATS cluster's `cluster {}` block (bus init writes it beside auth.conf, the cluster's
 * configs include it there): each server presents the bus's server certificate and, `verify`, demands one
 * chaining to the bus CA from the other end, both ways (the accepting server checks the dialling one's
 * certificate as a client's, the dialling one checks the accepting one's against the route URL's host).
 * Only the bus's servers hold a key the CA signed (its own key is not kept: bus-tls.ts), so a process that
 * merely reaches the route port is refused in the handshake, before any route protocol: it can neither
 * publish into nor read from an account.
 */
export function routeTlsConfig(tls: { certFile: string; keyFile: string; caFile: string }): string {
  return [
    "# Written by `swarmbus bus init`: TLS on a NATS cluster's routes, verified both ways with the bus CA.",
    "# Include it inside `cluster {}`. Absolute paths: nats-server reads them relative to its working directory.",
    "tls {",
    `  cert_file: ${JSON.stringify(tls.certFile)}`,
    `  key_file: ${JSON.stringify(tls.keyFile)}`,
    `  ca_file: ${JSON.stringify(tls.caFile)}`,
    "  verify: true",
    "  timeout: 2",
    "}",
    "",
  ].join("\n");
}

/** One server of a NATS cluster: its name, client address and route address (host:port each). */
export interface ClusterServer {
  name: string;
  listen: string;
  routeListen: string;
}

/** What a cluster server's config includes of the trust root, each path relative to the config file. */
export interface ClusterIncludes {
  /** auth.conf: operator, accounts, TLS on the client port. */
  auth: string;
  /** route-tls.conf: TLS on the routes, verified both ways with the bus CA. */
  routeTls: string;
}

/**
 * The config of server `self` of a NATS cluster of `servers` (self among them): routes to
 * every other server, and the bus's auth part, shared by all (one operator, one account set
 * preloaded in each). A client of any server reaches the daemons of every other.
 * The route port admits only the bus's servers: mutual TLS with the bus CA (routeTlsConfig).
 */
export function clusterServerConfig(
  self: ClusterServer,
  servers: readonly ClusterServer[],
  includes: ClusterIncludes,
): string {
  const routes = servers
    .filter((s) => s.name !== self.name)
    .map((s) => `    ${JSON.stringify(`nats://${s.routeListen}`)}`);
  return [
    `# Server ${self.name} of a swarmbus NATS cluster of ${servers.length} (nats-server -c this-file).`,
    `server_name: ${JSON.stringify(self.name)}`,
    `listen: ${JSON.stringify(self.listen)}`,
    "max_payload: 4MB",
    'write_deadline: "10s"',
    "cluster {",
    "  name: swarmbus",
    `  listen: ${JSON.stringify(self.routeListen)}`,
    `  routes: [\n${routes.join("\n")}\n  ]`,
    "  # Only a peer with the bus's server certificate becomes a route.",
    `  include ${JSON.stringify(includes.routeTls)}`,
    "}",
    `include ${JSON.stringify(includes.auth)}`,
    "",
  ].join("\n");
}

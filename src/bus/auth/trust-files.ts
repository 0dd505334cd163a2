import { join } from "node:path";

/**
 * What `swarmbus bus init` writes in its directory (0700, every file 0600): the
 * operator, the system account and the swarm account (nkey seed + JWT each), the
 * swarm account's signing key (it signs every user), the nats-server config and
 * the users' `.creds` files.
 */
export const TRUST_FILES = {
  operatorJwt: "operator.jwt",
  operatorSeed: "operator.nk",
  systemAccountJwt: "system-account.jwt",
  systemAccountSeed: "system-account.nk",
  swarmAccountJwt: "swarm-account.jwt",
  swarmAccountSeed: "swarm-account.nk",
  swarmSigningSeed: "swarm-account-signing.nk",
  /** The operator-mode part of a server config, for an `include` in one's own config. */
  authConfig: "auth.conf",
  /** The bus's own CA: clients verify the server's TLS certificate with it (and no other). */
  busCaCert: "bus-ca.crt",
  /** nats-server's TLS certificate (loopback, the listen host, each --server-host) and its key: client port and routes. */
  serverCert: "nats-server.crt",
  serverKey: "nats-server.key",
  /**
   * The `tls {}` of a NATS cluster's routes (the server certificate, the bus CA, verify both ways), for an
   * `include` inside a cluster's `cluster {}` block (nats-cluster.conf, clusterServerConfig).
   */
  routeTlsConfig: "route-tls.conf",
  /** A whole server config: listen address + `include auth.conf`. */
  serverConfig: "nats-server.conf",
  /** The local admin's credentials: what the CLI uses (every daemon's API and events; no Raft, no control API). */
  adminCreds: "admin.creds",
} as const;

export type TrustFile = keyof typeof TRUST_FILES;

export function trustFile(dir: string, file: TrustFile): string {
  return join(dir, TRUST_FILES[file]);
}

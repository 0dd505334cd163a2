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

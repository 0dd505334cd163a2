import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createAccount, createOperator, decode, type KeyPair } from "@nats-io/jwt";
import { rpcError } from "../../rpc/status.ts";
import { busPrefix } from "../subjects.ts";
import { encodeAccountJwt } from "./account.ts";
import { createBusTls } from "./bus-tls.ts";
import type { StoredAccountSigner } from "./manager-credentials.ts";
import { encodeOperatorJwt } from "./operator.ts";
import { busPermissions } from "./permissions.ts";
import { authConfig, routeTlsConfig, serverConfig } from "./server-config.ts";
import { TRUST_FILES, type TrustFile, trustFile } from "./trust-files.ts";
import { type AccountSigner, accountSigner, issueUserCreds } from "./user.ts";

export interface BusInitOptions {
  /** Where the written nats-server.conf listens (host:port). */
  listen?: string;
  /**
   * More hosts clients reach a server of the bus at (the other servers of a NATS cluster):
   * the server certificate names them beside loopback and the `listen` host.
   */
  serverHosts?: readonly string[];
  /** Replace a trust root already in the directory (every credential issued from it stops working). */
  force?: boolean;
  /**
   * TLS on the client port (default). Off only to measure what it costs (benchmarks):
   * credentials and messages then cross the network in clear.
   */
  tls?: boolean;
}

/** The paths a client needs of a trust root. */
export interface BusTrust {
  dir: string;
  adminCreds: string;
  /** The CA that signed the server's TLS certificate: what clients verify it with. */
  busCa: string;
  authConfig: string;
  /** The `tls {}` a NATS cluster's configs include inside `cluster {}` (absent without TLS). */
  routeTls: string;
  serverConfig: string;
}

export function busTrust(dir: string): BusTrust {
  return {
    dir,
    adminCreds: trustFile(dir, "adminCreds"),
    busCa: trustFile(dir, "busCaCert"),
    authConfig: trustFile(dir, "authConfig"),
    routeTls: trustFile(dir, "routeTlsConfig"),
    serverConfig: trustFile(dir, "serverConfig"),
  };
}

/** Whether `dir` holds a trust root (`swarmbus up` runs `bus init` when it does not). */
export function hasBusTrust(dir: string): boolean {
  return existsSync(trustFile(dir, "authConfig")) && existsSync(trustFile(dir, "adminCreds"));
}

/**
 * `swarmbus bus init`: a new operator, system account and swarm account (with a
 * signing key), the server config that trusts them and the local admin's
 * credentials (each daemon's are issued when it starts: node-credentials.ts). Refuses to replace an existing root unless `force`.
 */
export async function initBusTrust(dir: string, opts: BusInitOptions = {}): Promise<BusTrust> {
  if (!opts.force && existsSync(trustFile(dir, "operatorJwt"))) {
    throw rpcError(
      "AlreadyExists",
      `${dir} already holds a bus trust root; pass --force to replace it (every credential issued from it stops working)`,
      { plain: true },
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const listen = opts.listen ?? "127.0.0.1:4222";
  const tls =
    opts.tls === false
      ? undefined
      : await createBusTls(listen.replace(/:\d+$/, ""), new Date(), opts.serverHosts ?? []);
  const operator = createOperator();
  const system = createAccount();
  const swarm = createAccount();
  const signing = createAccount();
  const files: Partial<Record<TrustFile, string>> = {
    operatorJwt: await encodeOperatorJwt("swarmbus", operator, system.getPublicKey()),
    systemAccountJwt: await encodeAccountJwt("SYS", system, operator),
    swarmAccountJwt: await encodeAccountJwt("swarm", swarm, operator, signing),
    operatorSeed: seedOf(operator),
    systemAccountSeed: seedOf(system),
    swarmAccountSeed: seedOf(swarm),
    swarmSigningSeed: seedOf(signing),
  };
  const signer = accountSigner(swarm.getPublicKey(), seedOf(signing));
  if (tls) {
    files.busCaCert = tls.caCert;
    files.serverCert = tls.serverCert;
    files.serverKey = tls.serverKey;
    // Without TLS there is none for the routes either: no cluster config can include it and start.
    files.routeTlsConfig = routeTlsConfig({
      certFile: resolve(trustFile(dir, "serverCert")),
      keyFile: resolve(trustFile(dir, "serverKey")),
      caFile: resolve(trustFile(dir, "busCaCert")),
    });
  }
  files.authConfig = authConfig(
    files.operatorJwt ?? "",
    system.getPublicKey(),
    {
      [system.getPublicKey()]: files.systemAccountJwt ?? "",
      [swarm.getPublicKey()]: files.swarmAccountJwt ?? "",
    },
    tls
      ? { certFile: resolve(trustFile(dir, "serverCert")), keyFile: resolve(trustFile(dir, "serverKey")) }
      : undefined,
  );
  files.serverConfig = serverConfig(listen, TRUST_FILES.authConfig);
  files.adminCreds = await issueUserCreds("admin", signer, busPermissions({ role: "admin" }, busPrefix()));
  for (const [file, text] of Object.entries(files) as [TrustFile, string][]) writeSecret(trustFile(dir, file), text);
  return busTrust(dir);
}

/** The swarm account's signer of a trust root: what issues users (`bus init`, and the managers through the cluster object). */
export function loadAccountSigner(dir: string): AccountSigner {
  const { account, signingSeed } = readAccountSigner(dir);
  return accountSigner(account, signingSeed);
}

/** The swarm account's public key and signing seed, as `swarm init` puts them in the cluster object. */
export function readAccountSigner(dir: string): StoredAccountSigner {
  const jwt = readFileSync(trustFile(dir, "swarmAccountJwt"), "utf8").trim();
  return { account: decode(jwt).sub, signingSeed: readFileSync(trustFile(dir, "swarmSigningSeed"), "utf8").trim() };
}

/** Whether `dir` holds the swarm account's signer (its JWT and signing seed). */
export function hasAccountSigner(dir: string): boolean {
  return existsSync(trustFile(dir, "swarmAccountJwt")) && existsSync(trustFile(dir, "swarmSigningSeed"));
}

function seedOf(kp: KeyPair): string {
  return new TextDecoder().decode(kp.getSeed());
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text.endsWith("\n") ? text : `${text}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { type ChannelCredentials, type ChannelOptions, credentials, Metadata } from "@grpc/grpc-js";
import type { ClientSideCredentials, NodeIdentity } from "../credentials.ts";
import type { LiveTlsMaterial } from "./tls-material.ts";

/** SK ca: the TLS server names a node dials managers with. */
export const MANAGER_SERVER_NAME = "swarm-manager";
export const CA_SERVER_NAME = "swarm-ca";

/**
 * The channel option that makes the handshake check the manager's certificate
 * for `serverName` instead of the dialled host (SK sets tls.Config.ServerName).
 */
export const serverNameOption = (serverName: string): ChannelOptions => ({
  "grpc.ssl_target_name_override": serverName,
  "grpc.default_authority": serverName,
});

/**
 * A manager's certificate must chain to the pinned root (the handshake checks
 * it) and name `serverName`: SK's managers carry "swarm-manager" (and
 * "swarm-ca") among their SANs and as their OU; a worker's certificate does not.
 */
function checkManager(serverName: string) {
  return (host: string, cert: PeerCertificate): Error | undefined => {
    const failed = checkServerIdentity(host, cert);
    if (failed) return failed;
    const ou = (cert.subject as unknown as Record<string, string | string[] | undefined>).OU;
    const ous = ou === undefined ? [] : Array.isArray(ou) ? ou : [ou];
    if (!ous.includes(MANAGER_SERVER_NAME)) {
      return new Error(`x509: certificate is valid for ${ous.join(", ")}, not ${serverName}`);
    }
    return undefined;
  };
}

/** TLS pinned to `rootCA`, presenting `key`/`certificate` when given (a joining node has none yet). */
export function pinnedChannelCredentials(
  rootCA: Buffer,
  serverName: string,
  pair?: { key: Buffer; certificate: Buffer },
): ChannelCredentials {
  return credentials.createSsl(rootCA, pair?.key ?? null, pair?.certificate ?? null, {
    checkServerIdentity: checkManager(serverName),
  });
}

/**
 * SK GetRemoteCA: the root download is the one call made before any root is
 * trusted (InsecureSkipVerify); its answer is checked against the join token's
 * digest instead.
 */
export function unverifiedChannelCredentials(): ChannelCredentials {
  return credentials.createSsl(null, null, null, { rejectUnauthorized: false });
}

/**
 * A node's side of mutual TLS (SK MutableTLSCreds): each new channel presents
 * the node's current certificate and trusts its current root, so a renewed
 * certificate is used from the next connection on.
 */
export function tlsClientCredentials(
  identity: NodeIdentity,
  material: LiveTlsMaterial,
  serverName = MANAGER_SERVER_NAME,
): ClientSideCredentials {
  return {
    identity,
    channelCredentials: () => {
      const m = material.current;
      return pinnedChannelCredentials(m.rootCA, serverName, m);
    },
    channelOptions: () => serverNameOption(serverName),
    callMetadata: () => new Metadata(),
  };
}

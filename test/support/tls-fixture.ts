import { type ChannelCredentials, type ChannelOptions, Metadata } from "@grpc/grpc-js";
import type { ClientSideCredentials, NodeIdentity, ServerSideCredentials } from "../../src/ca/credentials.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import type { SigningRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import {
  MANAGER_SERVER_NAME,
  pinnedChannelCredentials,
  serverNameOption,
  tlsClientCredentials,
} from "../../src/ca/tls/client-credentials.ts";
import { tlsServerCredentials } from "../../src/ca/tls/server-credentials.ts";
import { LiveTlsMaterial, type TlsMaterial } from "../../src/ca/tls/tls-material.ts";

/** A key and a certificate the root signed for `identity` (optionally at another time, e.g. long expired). */
export async function issueFor(
  root: SigningRootCA,
  identity: NodeIdentity,
  opts: { now?: Date; expiryMs?: number } = {},
): Promise<TlsMaterial> {
  const { key, csr } = await createNodeKeyAndCSR();
  const certificate = await signNodeCertificate(root, csr, identity, opts.expiryMs, opts.now);
  return { rootCA: root.certificate, certificate, key };
}

/** A manager's credentials (server and client side) for `identity`, from certificates of `root`. */
export async function managerCredentials(
  root: SigningRootCA,
  identity: NodeIdentity,
): Promise<{ server: ServerSideCredentials; client: ClientSideCredentials; certificate: Buffer }> {
  const material = new LiveTlsMaterial(await issueFor(root, identity));
  return {
    server: tlsServerCredentials(material, identity.clusterId),
    client: tlsClientCredentials(identity, material),
    certificate: material.current.certificate,
  };
}

/** Client credentials presenting a certificate of `root` for `identity`. */
export async function clientCredentialsFor(
  root: SigningRootCA,
  identity: NodeIdentity,
): Promise<ClientSideCredentials> {
  return tlsClientCredentials(identity, new LiveTlsMaterial(await issueFor(root, identity)));
}

/** A channel of a node that has no certificate yet: TLS pinned to the root, nothing presented. */
export function anonymousChannel(rootCA: Buffer): { creds: ChannelCredentials; options: ChannelOptions } {
  return {
    creds: pinnedChannelCredentials(rootCA, MANAGER_SERVER_NAME),
    options: serverNameOption(MANAGER_SERVER_NAME),
  };
}

/** Client credentials of a caller without a certificate (its channel is still TLS pinned to `rootCA`). */
export function anonymousCredentials(rootCA: Buffer, identity: NodeIdentity): ClientSideCredentials {
  const { creds, options } = anonymousChannel(rootCA);
  return {
    identity,
    channelCredentials: () => creds,
    channelOptions: () => options,
    callMetadata: () => new Metadata(),
  };
}

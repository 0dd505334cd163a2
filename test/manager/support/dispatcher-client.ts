import { Metadata } from "@grpc/grpc-js";
import type { ClientSideCredentials, NodeIdentity } from "../../../src/ca/credentials.ts";
import type { SigningRootCA } from "../../../src/ca/pki/signing-root-ca.ts";
import { tlsClientCredentials } from "../../../src/ca/tls/client-credentials.ts";
import { LiveTlsMaterial, type TlsMaterial } from "../../../src/ca/tls/tls-material.ts";
import { swarmkit } from "../../../src/rpc/proto.ts";
import { anonymousCredentials, clientCredentialsFor } from "../../support/tls-fixture.ts";

export type DispatcherClient = InstanceType<typeof swarmkit.Dispatcher>;

/** The fixture's own metadata key: which node's certificate a call goes out with (never sent). */
const AS_NODE = "x-test-as-node";

/** Where the test nodes' certificates come from: the cluster's root, and a channel per node. */
export interface TestNodes {
  readonly root: SigningRootCA;
  readonly channels: Map<string, DispatcherClient>;
  readonly addr: () => string;
  /** Certificates made beforehand, by node (keyOf): their channels open on first use. */
  readonly materials?: ReadonlyMap<string, TlsMaterial>;
}

export const keyOf = (id: NodeIdentity) => `${id.nodeId}/${id.role}/${id.clusterId}`;

/** A Dispatcher client on its own TLS channel with `creds`. */
export const dispatcherAt = (addr: string, creds: ClientSideCredentials): DispatcherClient =>
  new swarmkit.Dispatcher(addr, creds.channelCredentials(), {
    ...creds.channelOptions(),
    "grpc.use_local_subchannel_pool": 1,
  });

/**
 * The metadata that makes a call of the routing client (routingDispatcher) go
 * out on a channel presenting a certificate the cluster's root signed for `id`
 * (any subject: a test forges what it needs). The certificate is what counts;
 * the metadata only picks the channel.
 */
export async function identityMetadata(nodes: TestNodes, id: NodeIdentity): Promise<Metadata> {
  const key = keyOf(id);
  if (!nodes.channels.has(key)) {
    nodes.channels.set(key, dispatcherAt(nodes.addr(), await clientCredentialsFor(nodes.root, id)));
  }
  return asNodeMetadata(id);
}

/** The metadata that picks `id`'s channel (one whose certificate exists already: materials). */
export function asNodeMetadata(id: NodeIdentity): Metadata {
  const md = new Metadata();
  md.set(AS_NODE, keyOf(id));
  return md;
}

/**
 * A Dispatcher client whose every call goes out on the channel of the node
 * its metadata names (identityMetadata), or, without one, on a TLS channel
 * that presents no certificate.
 */
export function routingDispatcher(nodes: TestNodes): DispatcherClient {
  const anonymous = () => {
    const key = "anonymous";
    let c = nodes.channels.get(key);
    if (!c) {
      const creds = anonymousCredentials(nodes.root.certificate, { nodeId: "", role: "swarm-worker", clusterId: "" });
      c = dispatcherAt(nodes.addr(), creds);
      nodes.channels.set(key, c);
    }
    return c;
  };
  const prepared = (key: string) => {
    const m = nodes.materials?.get(key);
    if (!m) return undefined;
    const [nodeId = "", role = "", clusterId = ""] = key.split("/");
    const id = { nodeId, role: role as NodeIdentity["role"], clusterId };
    const c = dispatcherAt(nodes.addr(), tlsClientCredentials(id, new LiveTlsMaterial(m)));
    nodes.channels.set(key, c);
    return c;
  };
  const pick = (args: unknown[]): DispatcherClient => {
    const i = args.findIndex((a) => a instanceof Metadata);
    const md = args[i] as Metadata | undefined;
    const key = md?.get(AS_NODE)[0];
    if (md) {
      const sent = md.clone();
      sent.remove(AS_NODE);
      args[i] = sent;
    }
    if (typeof key !== "string") return anonymous();
    return nodes.channels.get(key) ?? prepared(key) ?? anonymous();
  };
  return new Proxy({} as DispatcherClient, {
    get(_t, name: string) {
      if (name === "close") return () => closeAll(nodes);
      return (...args: unknown[]) => {
        const c = pick(args) as unknown as Record<string, (...a: unknown[]) => unknown>;
        return c[name]?.(...args);
      };
    },
  });
}

export function closeAll(nodes: TestNodes): void {
  for (const c of nodes.channels.values()) c.close();
  nodes.channels.clear();
}

import { credentials, type Metadata } from "@grpc/grpc-js";
import type { NodeIdentity } from "../../../src/ca/credentials.ts";
import { insecureClientCredentials } from "../../../src/ca/insecure-credentials.ts";
import { swarmkit } from "../../../src/rpc/proto.ts";

export type DispatcherClient = InstanceType<typeof swarmkit.Dispatcher>;

/** A Dispatcher client on plain TCP: the node's identity travels as call metadata (identityMetadata). */
export const dispatcherAt = (addr: string): DispatcherClient =>
  new swarmkit.Dispatcher(addr, credentials.createInsecure());

/** The metadata a node with that identity sends on each call. */
export const identityMetadata = (id: NodeIdentity): Metadata => insecureClientCredentials(id).callMetadata();

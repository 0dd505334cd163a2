import * as grpc from "@grpc/grpc-js";
import { createRootCA, type SigningRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { profiles } from "../../src/config/profile.ts";
import { defaultClusterObject } from "../../src/manager/bootstrap.ts";
import { CAServer, newNodeObject } from "../../src/manager/ca-server.ts";
import { createMemoryStore, type ReplicatedStore } from "../../src/manager/store.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { managerCredentials } from "./tls-fixture.ts";

/** A swarm CA on 127.0.0.1 (mutual TLS with a manager certificate of its root): a store with the cluster (its root) and one issued WORKER node; NodeCA served. */
export interface CAFixture {
  readonly root: SigningRootCA;
  readonly store: ReplicatedStore;
  readonly addr: string;
  stop(): void;
}

export async function startCA(clusterId: string, workerId: string): Promise<CAFixture> {
  const root = await createRootCA();
  const store = createMemoryStore();
  await store.update((tx) => {
    tx.putCluster(defaultClusterObject(clusterId, profiles.fast, root));
    const w = newNodeObject(workerId, "WORKER", "ACTIVE");
    tx.putNode({ ...w, certificate: w.certificate && { ...w.certificate, status: { state: "ISSUED", err: "" } } });
  });
  const manager = await managerCredentials(root, { nodeId: "m".padEnd(25, "0"), role: "swarm-manager", clusterId });
  const ca = new CAServer(store, () => clusterId, manager.server);
  ca.start();
  const server = new grpc.Server();
  server.addService(swarmkit.NodeCA.service, ca.nodeCAHandlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", manager.server.serverCredentials(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return {
    root,
    store,
    addr: `127.0.0.1:${port}`,
    stop: () => {
      ca.stop();
      server.forceShutdown();
    },
  };
}

/**
 * What reading the caller's identity costs a manager per gRPC call under mutual
 * TLS: grpc-js's getAuthContext() (the peer certificate object rebuilt on every
 * call) against verifiedSubject() (read once per connection,
 * src/ca/tls/peer-subject-cache.ts). One server, N client connections each with
 * its own certificate, unary calls in rounds; the two ways interleave round by
 * round so a change in the machine's load hits both alike. Prints the median
 * time spent in the read per call.
 *
 *   node --import tsx bench/peer-identity.bench.ts [--connections 50] [--calls 40] [--rounds 5]
 */
import { parseArgs } from "node:util";
import { Client, Server, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import type { NodeIdentity } from "../src/ca/credentials.ts";
import { createNodeKeyAndCSR } from "../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../src/ca/pki/sign-node-certificate.ts";
import { createRootCA, type SigningRootCA } from "../src/ca/pki/signing-root-ca.ts";
import { tlsClientCredentials } from "../src/ca/tls/client-credentials.ts";
import { verifiedSubject } from "../src/ca/tls/peer-identity.ts";
import { tlsServerCredentials } from "../src/ca/tls/server-credentials.ts";
import { LiveTlsMaterial } from "../src/ca/tls/tls-material.ts";
import { percentile } from "./percentile.ts";

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    calls: { type: "string", default: "40" },
    rounds: { type: "string", default: "5" },
  },
});
const connections = Number(values.connections);
const callsPerConnection = Number(values.calls);
const rounds = Number(values.rounds);

const CLUSTER = "c".padEnd(25, "0");
const id = (n: string, role: NodeIdentity["role"]): NodeIdentity => ({
  nodeId: n.padEnd(25, "0"),
  role,
  clusterId: CLUSTER,
});
const codec = { serialize: (s: string) => Buffer.from(s), deserialize: (b: Buffer) => b.toString() };
const method = (path: string) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: codec.serialize,
  requestDeserialize: codec.deserialize,
  responseSerialize: codec.serialize,
  responseDeserialize: codec.deserialize,
});
const ways = {
  "getAuthContext per call": (c: ServerUnaryCall<string, string>) =>
    String(c.getAuthContext()?.sslPeerCertificate?.subject.CN ?? ""),
  "once per connection": (c: ServerUnaryCall<string, string>) => verifiedSubject(c)?.cn ?? "",
};
type Way = keyof typeof ways;

let spentMs = 0;
const server = new Server();
const handlers: Record<string, (call: ServerUnaryCall<string, string>, cb: sendUnaryData<string>) => void> = {};
const definition: Record<string, ReturnType<typeof method>> = {};
for (const [i, [, read]] of Object.entries(ways).entries()) {
  definition[`W${i}`] = method(`/bench.Peer/W${i}`);
  handlers[`W${i}`] = (call, cb) => {
    const t = performance.now();
    const cn = read(call);
    spentMs += performance.now() - t;
    cb(null, cn);
  };
}
server.addService(definition, handlers);

/** A key and a certificate of `root` for `identity`, as a node holds them. */
async function materialFor(root: SigningRootCA, identity: NodeIdentity): Promise<LiveTlsMaterial> {
  const { key, csr } = await createNodeKeyAndCSR();
  const certificate = await signNodeCertificate(root, csr, identity);
  return new LiveTlsMaterial({ rootCA: root.certificate, certificate, key });
}

const root = await createRootCA();
const serverCredentials = tlsServerCredentials(await materialFor(root, id("m", "swarm-manager")), CLUSTER);
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync("127.0.0.1:0", serverCredentials.serverCredentials(), (e, p) => (e ? reject(e) : resolve(p))),
);
const clients: Client[] = [];
for (let i = 0; i < connections; i++) {
  const identity = id(`w${i}`, "swarm-worker");
  const creds = tlsClientCredentials(identity, await materialFor(root, identity));
  clients.push(new Client(`127.0.0.1:${port}`, creds.channelCredentials(), creds.channelOptions()));
}
const call = (c: Client, path: string) =>
  new Promise<string>((resolve, reject) =>
    c.makeUnaryRequest(path, codec.serialize, codec.deserialize, "x", (e, r) => (e ? reject(e) : resolve(r ?? ""))),
  );

const samples = new Map<Way, number[]>();
const names = Object.keys(ways) as Way[];
for (let round = 0; round <= rounds; round++) {
  for (const [i, way] of names.entries()) {
    spentMs = 0;
    for (let k = 0; k < callsPerConnection; k++) await Promise.all(clients.map((c) => call(c, `/bench.Peer/W${i}`)));
    // Round 0 warms up (TLS handshakes, JIT) and is not counted.
    if (round > 0)
      samples.set(way, [...(samples.get(way) ?? []), (spentMs * 1000) / (connections * callsPerConnection)]);
  }
}
for (const c of clients) c.close();
server.forceShutdown();

console.log(
  `${connections} connections × ${callsPerConnection} calls, ${rounds} rounds; µs per call reading the caller:`,
);
for (const way of names) {
  const s = samples.get(way) ?? [];
  console.log(
    `  ${way.padEnd(26)} median ${percentile(s, 50).toFixed(1)}  (rounds: ${s.map((x) => x.toFixed(1)).join(", ")})`,
  );
}

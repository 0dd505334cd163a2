/**
 * What mutual TLS itself costs a gRPC server per small unary call (the shape of
 * a heartbeat), apart from anything swarmbus does in the handler: one server
 * process per transport (plaintext, mutual TLS with the swarm's credentials),
 * N client connections in this process, calls paced at a fixed rate as agents'
 * heartbeats are; the server's own CPU (process.cpuUsage, all its threads) per
 * call answered. Rounds alternate which server goes first.
 *
 *   node --import tsx bench/grpc-transport.bench.ts [--connections 500] [--rate 400] [--seconds 10] [--rounds 3]
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  Client,
  credentials,
  Server,
  type ServerCredentials,
  ServerCredentials as ServerCreds,
  type ServerUnaryCall,
  type sendUnaryData,
} from "@grpc/grpc-js";
import type { NodeIdentity } from "../src/ca/credentials.ts";
import { createNodeKeyAndCSR } from "../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../src/ca/pki/sign-node-certificate.ts";
import { createRootCA, type SigningRootCA } from "../src/ca/pki/signing-root-ca.ts";
import { tlsClientCredentials } from "../src/ca/tls/client-credentials.ts";
import { verifiedSubject } from "../src/ca/tls/peer-identity.ts";
import { tlsServerCredentials } from "../src/ca/tls/server-credentials.ts";
import { LiveTlsMaterial } from "../src/ca/tls/tls-material.ts";
import { percentile } from "./percentile.ts";

type Transport = "plaintext" | "mutual TLS";
const CLUSTER = "c".padEnd(25, "0");
const id = (n: string, role: NodeIdentity["role"]): NodeIdentity => ({
  nodeId: n.padEnd(25, "0"),
  role,
  clusterId: CLUSTER,
});
const codec = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const PATH = "/bench.Transport/Heartbeat";
/** A HeartbeatRequest's size (session ID) and a HeartbeatResponse's (a period). */
const REQUEST = Buffer.alloc(30, 1);
const RESPONSE = Buffer.alloc(6, 2);

async function materialFor(root: SigningRootCA, identity: NodeIdentity): Promise<LiveTlsMaterial> {
  const { key, csr } = await createNodeKeyAndCSR();
  const certificate = await signNodeCertificate(root, csr, identity);
  return new LiveTlsMaterial({ rootCA: root.certificate, certificate, key });
}

interface ServerMsg {
  type: "listening" | "cpu";
  port?: number;
  cpuUs?: number;
  calls?: number;
}

/** The server process: answers every call after reading the caller (as the dispatcher does), reports its CPU on request. */
async function serve(transport: Transport, rootPem: string, rootKeyPem: string): Promise<void> {
  let calls = 0;
  const server = new Server({ "grpc.keepalive_permit_without_calls": 1 });
  server.addService(
    {
      Heartbeat: {
        path: PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: codec.serialize,
        requestDeserialize: codec.deserialize,
        responseSerialize: codec.serialize,
        responseDeserialize: codec.deserialize,
      },
    },
    {
      Heartbeat: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
        if (transport === "mutual TLS" && !verifiedSubject(call)) return cb(new Error("no certificate"));
        calls++;
        cb(null, RESPONSE);
      },
    },
  );
  let creds: ServerCredentials;
  if (transport === "plaintext") creds = ServerCreds.createInsecure();
  else {
    const root = rootFrom(rootPem, rootKeyPem);
    creds = tlsServerCredentials(await materialFor(root, id("m", "swarm-manager")), CLUSTER).serverCredentials();
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (e, p) => (e ? reject(e) : resolve(p))),
  );
  const send = (m: ServerMsg) => process.send?.(m);
  send({ type: "listening", port });
  process.on("message", (m: { type: string }) => {
    if (m.type === "cpu") {
      const u = process.cpuUsage();
      send({ type: "cpu", cpuUs: u.user + u.system, calls });
    }
  });
}

function rootFrom(certPem: string, keyPem: string): SigningRootCA {
  return { certificate: Buffer.from(certPem), key: Buffer.from(keyPem) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: "string", default: "500" },
      rate: { type: "string", default: "400" },
      seconds: { type: "string", default: "10" },
      rounds: { type: "string", default: "3" },
      serve: { type: "string" },
      "root-cert": { type: "string" },
      "root-key": { type: "string" },
    },
  });
  if (values.serve) {
    await serve(values.serve as Transport, values["root-cert"] ?? "", values["root-key"] ?? "");
    return;
  }
  const connections = Number(values.connections);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const root = await createRootCA();
  const rootKeyPem = root.key.toString();

  const servers = new Map<Transport, { ask: () => Promise<ServerMsg>; port: number; kill: () => void }>();
  for (const t of ["plaintext", "mutual TLS"] as Transport[]) {
    const child = fork(
      fileURLToPath(import.meta.url),
      ["--serve", t, `--root-cert=${root.certificate.toString()}`, `--root-key=${rootKeyPem}`],
      {
        execArgv: ["--import", "tsx"],
      },
    );
    const port = await new Promise<number>((resolve) => child.once("message", (m: ServerMsg) => resolve(m.port ?? 0)));
    const ask = () =>
      new Promise<ServerMsg>((resolve) => {
        child.once("message", (m: ServerMsg) => resolve(m));
        child.send({ type: "cpu" });
      });
    servers.set(t, { ask, port, kill: () => child.kill("SIGKILL") });
  }

  const clientsOf = new Map<Transport, Client[]>();
  for (const [t, s] of servers) {
    const list: Client[] = [];
    for (let i = 0; i < connections; i++) {
      const opts = { "grpc.use_local_subchannel_pool": 1, "grpc.enable_retries": 0, "grpc.enable_channelz": 0 };
      if (t === "plaintext") list.push(new Client(`127.0.0.1:${s.port}`, credentials.createInsecure(), opts));
      else {
        const identity = id(`w${i}`, "swarm-worker");
        const creds = tlsClientCredentials(identity, await materialFor(root, identity));
        list.push(
          new Client(`127.0.0.1:${s.port}`, creds.channelCredentials(), { ...opts, ...creds.channelOptions() }),
        );
      }
    }
    clientsOf.set(t, list);
  }
  const call = (c: Client) =>
    new Promise<void>((resolve, reject) =>
      c.makeUnaryRequest(PATH, codec.serialize, codec.deserialize, REQUEST, (e) => (e ? reject(e) : resolve())),
    );
  // Paced: `rate` calls per second spread over the connections, each connection in turn.
  async function drive(t: Transport, ms: number): Promise<void> {
    const list = clientsOf.get(t) ?? [];
    const end = performance.now() + ms;
    const pending: Promise<void>[] = [];
    let next = 0;
    const tickMs = 10;
    const perTick = (rate * tickMs) / 1000;
    let owed = 0;
    while (performance.now() < end) {
      owed += perTick;
      for (; owed >= 1; owed--) pending.push(call(list[next++ % list.length] as Client));
      await new Promise((r) => setTimeout(r, tickMs));
    }
    await Promise.all(pending);
  }

  // Warm-up: every connection's handshake and a few calls, not counted.
  for (const t of servers.keys()) {
    await Promise.all((clientsOf.get(t) ?? []).map(call));
    await drive(t, 2000);
  }
  const perCall = new Map<Transport, number[]>();
  for (let round = 1; round <= rounds; round++) {
    const order = [...servers.keys()];
    if (round % 2 === 0) order.reverse();
    for (const t of order) {
      const s = servers.get(t);
      if (!s) continue;
      const a = await s.ask();
      await drive(t, seconds * 1000);
      const b = await s.ask();
      const us = ((b.cpuUs ?? 0) - (a.cpuUs ?? 0)) / ((b.calls ?? 0) - (a.calls ?? 0));
      perCall.set(t, [...(perCall.get(t) ?? []), us]);
    }
  }
  for (const list of clientsOf.values()) for (const c of list) c.close();
  for (const s of servers.values()) s.kill();
  console.log(
    `${connections} connections per server, ${rate} calls/s for ${seconds} s, ${rounds} rounds; server CPU µs per call:`,
  );
  for (const [t, v] of perCall) {
    console.log(
      `  ${t.padEnd(12)} median ${percentile(v, 50).toFixed(1)}  (rounds: ${v.map((x) => x.toFixed(1)).join(", ")})`,
    );
  }
  const p = percentile(perCall.get("plaintext") ?? [], 50);
  const m = percentile(perCall.get("mutual TLS") ?? [], 50);
  console.log(`  mutual TLS vs plaintext: +${(m - p).toFixed(1)} µs per call (${(((m - p) / p) * 100).toFixed(1)} %)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

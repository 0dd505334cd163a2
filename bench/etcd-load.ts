// Closed-loop write load: N concurrent writers, each issuing its next write as soon as the last one
// is acknowledged, for a fixed time; commits/s and latency percentiles of every acknowledged write.
// `closedLoop` is the measurement both sides of the Raft benchmark use (swarmbus propose() and etcd
// put). The etcd side has two clients, neither a new package: `etcdGrpcPutClient`, etcd's native
// gRPC KV/Put through grpc-js (the default), and `etcdPutClient`, etcd's HTTP/JSON gateway
// (POST /v3/kv/put, base64 key and value) over keep-alive HTTP/1.1 connections from node:http.
import { Agent, request } from "node:http";
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { summarize } from "./percentile.ts";

export interface LoadCaseResult {
  /** Concurrent writers (proposers). */
  proposers: number;
  /** Writes acknowledged inside the window. */
  commits: number;
  commitsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** The first error's message, if any. */
  firstError?: string;
}

export interface ClosedLoopOptions {
  workers: number;
  durationMs: number;
  /** Run the same load this long first, not measured (connections, JIT, leader caches). */
  warmupMs?: number;
}

/** Runs `op(worker)` in `workers` concurrent loops for the warm-up then the measured window. */
export async function closedLoop(
  opts: ClosedLoopOptions,
  op: (worker: number) => Promise<void>,
): Promise<LoadCaseResult> {
  const loop = async (ms: number, record: boolean) => {
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const end = performance.now() + ms;
    const worker = async (w: number) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await op(w);
          if (record) latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
    return { latencies, errors, firstError, secs: (performance.now() - t0) / 1000 };
  };
  if (opts.warmupMs && opts.warmupMs > 0) await loop(opts.warmupMs, false);
  const { latencies, errors, firstError, secs } = await loop(opts.durationMs, true);
  const s = summarize(latencies);
  return {
    proposers: opts.workers,
    commits: s.count,
    commitsPerSec: Math.round(s.count / secs),
    p50Ms: +s.p50Ms.toFixed(2),
    p99Ms: +s.p99Ms.toFixed(2),
    maxMs: +s.maxMs.toFixed(2),
    errors,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

export interface EtcdPutClient {
  /** Puts `value` under the writer's own key; resolves when etcd acknowledged it (committed). */
  put(writer: number): Promise<void>;
  close(): void;
}

/**
 * A put client for one etcd member's client URL: one keep-alive connection per writer (up to
 * `writers`), each writer overwriting its own key `bench/<writer>` with a `valueSize`-byte value.
 */
export function etcdPutClient(clientUrl: string, writers: number, valueSize: number): EtcdPutClient {
  const url = new URL("/v3/kv/put", clientUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: writers, maxFreeSockets: writers });
  const value = Buffer.alloc(valueSize, 0x61).toString("base64");
  const bodies = Array.from({ length: writers }, (_, w) =>
    Buffer.from(JSON.stringify({ key: Buffer.from(`bench/${w}`).toString("base64"), value })),
  );
  const put = (writer: number) =>
    new Promise<void>((resolve, reject) => {
      const body = bodies[writer];
      if (!body) return reject(new Error(`writer ${writer} out of range 0..${writers - 1}`));
      const req = request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            if (res.statusCode === 200) resolve();
            else
              reject(new Error(`etcd put: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
          });
          res.on("error", reject);
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error("etcd put: no answer within 10 s")));
      req.on("error", reject);
      req.end(body);
    });
  return { put, close: () => agent.destroy() };
}

/** A protobuf length-delimited field (wire type 2): tag, varint length, bytes. */
function bytesField(field: number, data: Buffer): Buffer {
  const len: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), data]);
}

/**
 * The same puts over etcd's native gRPC API (etcdserverpb.KV/Put), as etcd's own clients do: one
 * HTTP/2 connection (grpc-js, already a dependency), every writer a stream on it. The PutRequest
 * (key = 1, value = 2) is encoded by hand; the PutResponse is not decoded (OK status = committed).
 */
export function etcdGrpcPutClient(clientUrl: string, writers: number, valueSize: number): EtcdPutClient {
  const client = new Client(new URL(clientUrl).host, credentials.createInsecure());
  const value = Buffer.alloc(valueSize, 0x61);
  const requests = Array.from({ length: writers }, (_, w) =>
    Buffer.concat([bytesField(1, Buffer.from(`bench/${w}`)), bytesField(2, value)]),
  );
  const put = (writer: number) =>
    new Promise<void>((resolve, reject) => {
      const req = requests[writer];
      if (!req) return reject(new Error(`writer ${writer} out of range 0..${writers - 1}`));
      client.makeUnaryRequest(
        "/etcdserverpb.KV/Put",
        (b: Buffer) => b,
        (b: Buffer) => b,
        req,
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (err) => (err ? reject(new Error(`etcd put: ${err.message}`)) : resolve()),
      );
    });
  return { put, close: () => client.close() };
}

export type EtcdClientKind = "grpc" | "http";

/** The etcd side of the benchmark: `writers` concurrent puts against `clientUrl` for `durationMs`. */
export async function runEtcdLoad(opts: {
  clientUrl: string;
  writers: number;
  durationMs: number;
  valueSize: number;
  warmupMs?: number;
  client: EtcdClientKind;
}): Promise<LoadCaseResult> {
  const client =
    opts.client === "grpc"
      ? etcdGrpcPutClient(opts.clientUrl, opts.writers, opts.valueSize)
      : etcdPutClient(opts.clientUrl, opts.writers, opts.valueSize);
  try {
    return await closedLoop({ workers: opts.writers, durationMs: opts.durationMs, warmupMs: opts.warmupMs }, (w) =>
      client.put(w),
    );
  } finally {
    client.close();
  }
}

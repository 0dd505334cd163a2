// The cost of a linearizable read on the Raft leader (RaftNode.readBarrier, Raft's ReadIndex): 3
// RaftNodes in one process on loopback (a real nats-server, real WAL with fdatasync), the test
// profile. Per case, `--reads` barriers; latency of each, alone (sequential) and with
// `--concurrency` readers at once, on an idle cluster and while one writer proposes back to back.
//
//   node --import tsx bench/read-barrier.bench.ts [--reads 300] [--concurrency 16]
import { parseArgs } from "node:util";
import { enc, RaftCluster } from "../test/support/raft-cluster.ts";
import { percentile } from "./percentile.ts";

const { values: flags } = parseArgs({
  options: { reads: { type: "string", default: "300" }, concurrency: { type: "string", default: "16" } },
});
const READS = Number(flags.reads);
const CONCURRENCY = Number(flags.concurrency);

const cluster = await RaftCluster.start();
try {
  const leader = await cluster.three();
  const node = leader.node;

  async function measure(concurrency: number): Promise<number[]> {
    const lat: number[] = [];
    let left = READS;
    const reader = async () => {
      while (left-- > 0) {
        const t = performance.now();
        await node.readBarrier(Date.now() + 5000);
        lat.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, reader));
    return lat.sort((a, b) => a - b);
  }

  const row = (name: string, lat: number[], wallMs: number) =>
    console.log(
      `${name.padEnd(34)} p50 ${percentile(lat, 50).toFixed(2)} ms  p99 ${percentile(lat, 99).toFixed(2)} ms  ` +
        `${((lat.length / wallMs) * 1000).toFixed(0)} reads/s`,
    );

  for (const writing of [false, true]) {
    let stop = false;
    const writer = (async () => {
      let i = 0;
      while (writing && !stop) await node.propose(enc(`w${i++}`));
    })();
    for (const c of [1, CONCURRENCY]) {
      await measure(c); // warm-up
      const t = performance.now();
      const lat = await measure(c);
      row(`${writing ? "writer busy" : "idle"}, ${c} reader(s)`, lat, performance.now() - t);
    }
    stop = true;
    await writer;
  }
} finally {
  await cluster.stop();
}

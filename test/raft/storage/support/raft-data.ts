import { join } from "node:path";
import type { WalMetadata } from "../../../../src/raft/codec.ts";
import type { Entry, Snapshot } from "../../../../src/raft/types.ts";
import { tempDir } from "../../../support/temp-dir.ts";

export const META: WalMetadata = { raftId: "9223372036854775807", clusterId: "c1", nodeId: "n1" };

/** A fresh temp dir standing for `<state-dir>/swarm/raft`; `cleanup()` removes it. */
export function tempRaftDir(): { dir: string; cleanup(): void } {
  const root = tempDir("swarmbus-raft-storage-");
  return { dir: join(root.path, "swarm", "raft"), cleanup: root.remove };
}

export const entry = (index: number, term = 1, fill = index): Entry => ({
  index,
  term,
  type: "normal",
  data: new Uint8Array(16).fill(fill & 0xff),
});

export const entries = (from: number, to: number, term = 1): Entry[] => {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
};

export const snapshot = (index: number, term: number, data = "state"): Snapshot => ({
  metadata: { index, term, confState: { voters: ["1", "2", "3"] } },
  data: new TextEncoder().encode(data),
});

/** Entries as comparable plain values (data as arrays). */
export const plain = (es: readonly Entry[]) => es.map((e) => ({ ...e, data: [...e.data] }));

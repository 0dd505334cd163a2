import { rpcError } from "../rpc/status.ts";
/**
 * Swarm's weighted remotes (SK: remotes/remotes.go): the managers an agent
 * knows, each with a weight moved by observations, and a weighted-random
 * choice among them. Pure: the random source is injected.
 */

/** A manager as remotes key it: node ID and address together (api.Peer). */
export interface RemotePeer {
  readonly nodeId: string;
  readonly addr: string;
}

/** DefaultObservationWeight: a good experience; a bad one observes its negative. */
export const DEFAULT_OBSERVATION_WEIGHT = 10;
/** remoteWeightMax = 1 << 8: weights are clipped to ±256. */
export const REMOTE_WEIGHT_MAX = 1 << 8;
/** remoteWeightSmoothingFactor. */
const SMOOTHING = 0.5;
/** Gives zero-weighted remotes a chance, so all-zero does not always pick the first. */
const SELECT_BIAS = 0.001;

export const ERR_REMOTES_UNAVAILABLE = "no remote hosts provided";

/** A uniform number in [0, 1), as Math.random. */
export type Rng = () => number;

const keyOf = (p: RemotePeer) => `${p.nodeId}\u0000${p.addr}`;

function clip(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.max(Math.min(REMOTE_WEIGHT_MAX, x), -REMOTE_WEIGHT_MAX);
}

export class Remotes {
  private readonly weights = new Map<string, { peer: RemotePeer; weight: number }>();
  private readonly rng: Rng;

  /** Every given peer is observed once at DefaultObservationWeight (NewRemotes). */
  constructor(peers: readonly RemotePeer[] = [], rng: Rng = Math.random) {
    this.rng = rng;
    for (const p of peers) this.observe(p, DEFAULT_OBSERVATION_WEIGHT);
  }

  /** Exponential smoothing: w = ceil(clip(0.5·clip(observed) + 0.5·w0)), w0 = 0 for a new peer. */
  observe(peer: RemotePeer, weight: number): void {
    const key = keyOf(peer);
    const w0 = this.weights.get(key)?.weight ?? 0;
    const wn = clip(SMOOTHING * clip(weight) + (1 - SMOOTHING) * w0);
    this.weights.set(key, { peer: { nodeId: peer.nodeId, addr: peer.addr }, weight: Math.ceil(wn) });
  }

  /** Observes only a peer already known. */
  observeIfExists(peer: RemotePeer, weight: number): void {
    if (this.weights.has(keyOf(peer))) this.observe(peer, weight);
  }

  remove(...peers: RemotePeer[]): void {
    for (const p of peers) this.weights.delete(keyOf(p));
  }

  /** Peers with their current weights, in insertion order. */
  entries(): { peer: RemotePeer; weight: number }[] {
    return [...this.weights.values()].map((e) => ({ peer: e.peer, weight: e.weight }));
  }

  peers(): RemotePeer[] {
    return [...this.weights.values()].map((e) => e.peer);
  }

  weightOf(peer: RemotePeer): number | undefined {
    return this.weights.get(keyOf(peer))?.weight;
  }

  /**
   * Weighted-random choice; `excludes` match a node ID or an address. Negative
   * weights count as 0, each peer adds a bias of 0.001, the pick walks the CDF.
   * Throws Error("no remote hosts provided") when nothing is left.
   */
  select(...excludes: string[]): RemotePeer {
    const cdf: number[] = [];
    const candidates: RemotePeer[] = [];
    let cum = 0;
    for (const { peer, weight } of this.weights.values()) {
      if (excludes.some((x) => x === peer.nodeId || x === peer.addr)) continue;
      cum += Math.max(weight, 0) + SELECT_BIAS;
      cdf.push(cum);
      candidates.push(peer);
    }
    if (candidates.length === 0) throw rpcError("Unavailable", ERR_REMOTES_UNAVAILABLE);
    const r = cum * this.rng();
    // sort.SearchFloat64s: the first index whose cdf value is >= r.
    let i = cdf.findIndex((c) => c >= r);
    if (i < 0) i = candidates.length - 1;
    return candidates[i]!;
  }
}

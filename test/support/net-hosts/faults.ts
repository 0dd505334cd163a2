import { ip, type Netns, run } from "./netns.ts";

/**
 * The faults a real network has, on one host's cable (its veth `eth0`):
 *   - cut/heal: the bridge's port of the host down/up (the cable pulled out: no carrier at either end);
 *   - one direction dropped, optionally only to/from one peer: nft in the host's namespace;
 *   - loss: nft's `numgen random` drops N % of the packets in each direction.
 * Delay is not here: this kernel has no netem (CONFIG_NET_SCH_NETEM unset; `tc qdisc add … netem`
 * answers "Specified qdisc kind is unknown"), and tbf, the shaper it has, limits bandwidth: a packet
 * waits for the bytes queued before it, so a fixed latency cannot be expressed with it.
 */
export type Direction = "in" | "out";

const TABLE = "swarmbus_faults";

export function cutLink(n: Netns, host: string): void {
  ip("-n", n.bridgeNs, "link", "set", n.port(host), "down");
}

export function healLink(n: Netns, host: string): void {
  ip("-n", n.bridgeNs, "link", "set", n.port(host), "up");
}

/** Drops every packet of `host` in one direction (to or from `peer` only, when given). */
export function dropOneWay(n: Netns, host: string, dir: Direction, peer?: string): void {
  ensureTable(n, host);
  const chain = dir === "in" ? "input" : "output";
  const match =
    dir === "in"
      ? `iifname "eth0"${peer ? ` ip saddr ${peer}` : ""}`
      : `oifname "eth0"${peer ? ` ip daddr ${peer}` : ""}`;
  nft(n, host, `add rule inet ${TABLE} ${chain} ${match} drop`);
}

/** Drops `percent` % of the packets of `host`, each direction on its own draw. */
export function loss(n: Netns, host: string, percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`loss must be a whole percent from 0 to 100, got ${percent}`);
  }
  if (percent === 0) return;
  ensureTable(n, host);
  // numgen's values are 0–99: "< 100" is out of its range, so 100 % is a plain drop.
  const draw = percent === 100 ? "" : ` numgen random mod 100 < ${percent}`;
  nft(n, host, `add rule inet ${TABLE} input iifname "eth0"${draw} drop`);
  nft(n, host, `add rule inet ${TABLE} output oifname "eth0"${draw} drop`);
}

/** Removes every nft fault of `host` (a cut link stays cut: healLink). */
export function clearRules(n: Netns, host: string): void {
  try {
    nft(n, host, `delete table inet ${TABLE}`);
  } catch {
    // no rules were added
  }
}

/** What the harness answers when asked for delay: never a silent no-op. */
export function delayUnavailable(): Error {
  return new Error(
    "delay is not available on this kernel: it has no netem qdisc (CONFIG_NET_SCH_NETEM is not set), and tbf " +
      "only limits bandwidth (a packet waits behind the bytes queued before it, not a fixed time)",
  );
}

function ensureTable(n: Netns, host: string): void {
  // `add` is idempotent for tables and chains: rules accumulate in the two chains.
  nft(
    n,
    host,
    [
      `add table inet ${TABLE}`,
      `add chain inet ${TABLE} input { type filter hook input priority 0; policy accept; }`,
      `add chain inet ${TABLE} output { type filter hook output priority 0; policy accept; }`,
    ].join("\n"),
  );
}

function nft(n: Netns, host: string, script: string): void {
  run("ip", ["netns", "exec", n.ns(host), "nft", "-f", "-"], `${script}\n`);
}

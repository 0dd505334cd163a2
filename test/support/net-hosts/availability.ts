import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Why hosts in network namespaces cannot be made here, or undefined when they can: root,
 * `ip` that can add a namespace, `nft` (faults), nats-server and the build (bin/swarmbus.js
 * runs dist/). A test skips with this reason printed; it neither fails nor passes unseen.
 */
export function netHostsUnavailable(): string | undefined {
  if (process.platform !== "linux") return `network namespaces are Linux's; this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "making network namespaces needs root (run the test as root)";
  for (const [tool, pkg] of [
    ["ip", "iproute2"],
    ["nft", "nftables"],
  ] as const) {
    if (!onPath(tool)) return `${tool} is not installed (apt-get install -y ${pkg}, or scripts/ensure.sh)`;
  }
  const probe = `sbhprobe${process.pid}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "pipe" });
  } catch (e) {
    return `cannot add a network namespace: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  } finally {
    try {
      execFileSync("ip", ["netns", "del", probe], { stdio: "pipe" });
    } catch {
      // never made
    }
  }
  return undefined;
}

function onPath(tool: string): boolean {
  return ["/usr/sbin", "/sbin", "/usr/bin", "/bin", ...(process.env.PATH ?? "").split(":")].some(
    (d) => d !== "" && existsSync(`${d}/${tool}`),
  );
}

import { isIP } from "node:net";
import { rpcError } from "../rpc/status.ts";

/**
 * The NATS servers of `--nats URL[,URL…]`: one URL, or several servers of one NATS
 * cluster, which the client tries in the order given and reconnects across. Each
 * is `nats://host:port`, `tls://host:port` or `host:port` (the port defaults to
 * 4222); anything else is refused here, at the edge, naming the bad item, rather
 * than by the NATS client later with a less clear message.
 */
export function parseNatsServers(text: string): string[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === "")) {
    throw invalid(text, "expected URL[,URL…] with no empty item");
  }
  for (const item of items) checkServer(item);
  return items;
}

function checkServer(item: string): void {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(item) ? item : `nats://${item}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw invalid(item, "not a URL (nats://host:port, a port of 1 to 65535)");
  }
  if (u.protocol !== "nats:" && u.protocol !== "tls:") {
    throw invalid(item, `scheme ${u.protocol.replace(/:$/, "")}:// is not nats:// or tls://`);
  }
  if (u.username || u.password) throw invalid(item, "credentials go in --nats-creds, not in the URL");
  if ((u.pathname !== "" && u.pathname !== "/") || u.search || u.hash) {
    throw invalid(item, "a server URL has no path, query or fragment");
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (
    host === "" ||
    (!isIP(host) && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(host))
  ) {
    throw invalid(item, "no valid host");
  }
  if (u.port === "0") throw invalid(item, "port 0 is no server's port");
}

function invalid(item: string, why: string) {
  return rpcError("InvalidArgument", `invalid NATS server ${JSON.stringify(item)}: ${why}`, {
    plain: true,
  });
}

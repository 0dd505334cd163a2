/** moby's defaultAddr, without the scheme. */
export const DEFAULT_LISTEN_ADDR = "0.0.0.0:2377";

export function splitHostPort(addr: string): { host: string; port: string } {
  const i = addr.lastIndexOf(":");
  if (i < 0) return { host: addr, port: "" };
  let host = addr.slice(0, i);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host, port: addr.slice(i + 1) };
}

const isUnspecified = (host: string) => host === "0.0.0.0" || host === "::" || host === "";

/** Where other nodes dial by default: the listen host if it is specific, else 127.0.0.1; the listen port. */
export function defaultAdvertiseAddr(listenAddr: string): string {
  const { host, port } = splitHostPort(listenAddr);
  return `${isUnspecified(host) ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** `addr` with the port of `bound` (a listen address with port 0, after binding). */
export function withPortOf(addr: string, bound: string): string {
  const { host } = splitHostPort(addr);
  const { port } = splitHostPort(bound);
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** moby GetAdvertiseAddress: the advertise host, else the local address. */
export function nodeAddrOf(advertiseAddr: string, listenAddr: string): string {
  if (advertiseAddr) return splitHostPort(advertiseAddr).host;
  const { host } = splitHostPort(listenAddr);
  return isUnspecified(host) ? "127.0.0.1" : host;
}

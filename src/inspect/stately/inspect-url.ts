import { z } from "zod";
import { rpcError } from "../../rpc/status.ts";

const WsUrl = z.url({ protocol: /^wss?$/ });

/** The relay a daemon sends to: a ws:// or wss:// URL, or InvalidArgument. */
export function parseInspectUrl(value: string): string {
  const r = WsUrl.safeParse(value);
  if (!r.success) {
    throw rpcError(
      "InvalidArgument",
      `--inspect takes the relay's ws:// URL (e.g. ws://127.0.0.1:8090/source), got "${value}"`,
    );
  }
  return r.data;
}

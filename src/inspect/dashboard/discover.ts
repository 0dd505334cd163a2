import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { ReplySchema } from "../../bus/envelope.ts";
import { isToken, subjects } from "../../bus/subjects.ts";

const DiscoveryResult = z.object({ name: z.string().refine(isToken, "not a daemon name") });

/**
 * The names of the daemons that answer `<p>.daemons.discover` within
 * `windowMs`. A malformed reply is skipped; no daemon at all is an empty list,
 * not an error.
 */
export async function discoverDaemons(nc: NatsConnection, windowMs: number): Promise<string[]> {
  const names = new Set<string>();
  try {
    const replies = await nc.requestMany(subjects().daemonsDiscover(), "{}", { strategy: "timer", maxWait: windowMs });
    for await (const msg of replies) {
      const reply = ReplySchema.safeParse(safeJson(msg.string()));
      if (!reply.success || !reply.data.ok) continue;
      const result = DiscoveryResult.safeParse(reply.data.result);
      if (result.success) names.add(result.data.name);
    }
  } catch {
    // No responders (no daemon yet) or a closed connection: nothing found this round.
  }
  return [...names].sort();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

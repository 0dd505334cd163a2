import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { okReply } from "../../bus/envelope.ts";
import { subjects } from "../../bus/subjects.ts";
import type { Log } from "../../log.ts";

/** Watchers (the dashboard) find the daemons by asking all of them at once: this one answers with its name. */
export function answerDiscovery(nc: NatsConnection, name: string, log: Log): Subscription {
  return nc.subscribe(subjects().daemonsDiscover(), {
    callback: (err, msg) => {
      if (err) return;
      try {
        msg.respond(JSON.stringify(okReply({ name })));
      } catch (e) {
        log.warn({ err: String(e) }, "could not answer a discovery request");
      }
    },
  });
}

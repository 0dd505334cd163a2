import type { NatsConnection } from "@nats-io/transport-node";
import type { AnyActorRef } from "xstate";
import { type ActorTransition, publishTransitions, republishOnReconnect } from "../../bus/events.ts";
import { serveActor } from "../../bus/remote-actor.ts";
import { type ActorInspection, inspectActors } from "../../inspect/stately/actor-inspector.ts";
import type { Log } from "../../log.ts";

/**
 * Every actor a daemon announces, on the bus: its transitions on the events
 * stream (published again after a reconnect), events sent to it on its actor
 * subject, and, when asked for, its inspection events. An actor announced again
 * under the same name (a restarted session, a re-registered node) replaces the old one.
 */
export class ActorWiring {
  private readonly wired = new Map<string, () => void>();
  private readonly current = new Map<string, ActorTransition>();
  private readonly stopRepublishing: () => void;
  /** Off unless asked for: XState sends no inspection events to a system nobody inspects. */
  private readonly inspection: ActorInspection | null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly daemon: string,
    private readonly log: Log,
    inspect: string | undefined,
  ) {
    this.stopRepublishing = republishOnReconnect(nc, () => this.current.values(), log);
    this.inspection = inspect ? inspectActors(inspect, daemon) : null;
  }

  readonly onActor = (name: string, actor: AnyActorRef): void => {
    this.wired.get(name)?.();
    this.inspection?.attach(name, actor);
    const unpublish = publishTransitions(this.nc, this.daemon, name, actor, {
      log: this.log,
      onPublish: (t) => this.current.set(name, t),
    });
    const served = serveActor(this.nc, this.daemon, name, actor, { log: this.log });
    this.wired.set(name, () => {
      unpublish();
      void served.stop();
    });
  };

  /** The last transition of every actor. */
  transitions(): ActorTransition[] {
    return [...this.current.values()];
  }

  /** A reconnect no longer publishes the transitions again. */
  stopRepublishingOnReconnect(): void {
    this.stopRepublishing();
  }

  /** Every actor off the bus and out of the inspector. */
  unwireAll(): void {
    for (const unwire of this.wired.values()) unwire();
    this.inspection?.stop();
  }
}

import type { Actor } from "xstate";
import type { nodeMachine } from "../../../machines/node.machine.ts";

/** Resolves once the node machine is inactive, or after `timeoutMs`, whichever comes first. */
export function untilInactive(node: Actor<typeof nodeMachine>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const sub = node.subscribe((s) => {
      if (s.matches("inactive")) done();
    });
    if (node.getSnapshot().matches("inactive")) done();
  });
}

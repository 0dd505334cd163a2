import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor } from "xstate";
import { type MachineName, machines, remoteEvents } from "../../machines/index.ts";
import { admitRemoteEvent, declaredRemoteEvents } from "../../src/bus/remote-event-admission.ts";
import { type CodeName, codeName, isRpcError } from "../../src/rpc/status.ts";

/**
 * Issue 11 §4, per machine: what each machine declares beside its diagram is
 * what a sender on the bus may send it; every other event it knows — the
 * lifecycle facts its daemon observes — is PermissionDenied.
 */
const bytes = (event: unknown) => new TextEncoder().encode(JSON.stringify(event));

function refusal(name: MachineName, event: unknown): { code: CodeName | undefined; message: string } {
  const rules = { actorName: name, known: new Set<string>(machines[name].events), remote: remoteEvents[name] };
  try {
    admitRemoteEvent(bytes(event), rules);
  } catch (e) {
    return { code: isRpcError(e) ? codeName(e.code) : undefined, message: String((e as Error).message) };
  }
  throw new Error(`${name} admitted ${JSON.stringify(event)}`);
}

/** The events a forged sender would use against each machine, each well-formed. */
const lifecycle: Record<MachineName, readonly object[]> = {
  node: [
    { type: "LEAVE" },
    { type: "ROLE_CHANGED", role: "worker" },
    { type: "NODE_EXITED", error: "x" },
    { type: "SHUTDOWN" },
  ],
  clusterState: [{ type: "NODE_EXITED", error: "x" }, { type: "NODE_REMOVED" }, { type: "NODE_READY" }],
  session: [{ type: "STOP" }, { type: "SESSION_ERROR", error: { code: 14, message: "x" } }],
  nodeLiveness: [
    { type: "HEARTBEAT", graceMs: 1 },
    { type: "REMOVED" },
    { type: "LEADERSHIP_CHANGED", graceMs: 1, wasDown: true },
  ],
  raft: [{ type: "CORE_STATE", role: "leader", term: 9, lead: "1" }, { type: "REMOVED" }],
  task: [{ type: "DESIRED_STATE_CHANGED", desired: "SHUTDOWN" }],
};

for (const name of Object.keys(machines) as MachineName[]) {
  test(`${name}: declares only events it knows, and refuses its lifecycle events from the bus`, () => {
    const known = new Set<string>(machines[name].events);
    for (const [type, schema] of Object.entries(remoteEvents[name])) {
      assert.ok(known.has(type), `${name} does not know ${type}`);
      // a declared schema names its own type and is strict: an unknown field is refused
      assert.not.ok(schema.safeParse({ type: `${type}_OTHER` }).success, `${name}.${type} takes another type`);
      assert.not.ok(schema.safeParse({ type, unexpected: 1 }).success, `${name}.${type} takes an unknown field`);
    }
    for (const event of lifecycle[name]) {
      const r = refusal(name, event);
      assert.is(r.code, "PermissionDenied", r.message);
      assert.match(r.message, `actor ${name} does not take ${(event as { type: string }).type} from the bus`);
    }
    // every event it knows and does not declare, whatever its fields
    for (const type of known) {
      if (type.startsWith("xstate.") || Object.hasOwn(remoteEvents[name], type)) continue;
      assert.is(refusal(name, { type }).code, "PermissionDenied", type);
    }
    assert.is(refusal(name, { type: "EXPLODE" }).code, "InvalidArgument", "an unknown type stays InvalidArgument");
  });

  test(`${name}: an actor of the machine as its shell provides it gets that declaration`, () => {
    const provided = machines[name].provide({});
    assert.is(declaredRemoteEvents(createActor(provided, { input: {} as never })), remoteEvents[name]);
  });
}

test.run();

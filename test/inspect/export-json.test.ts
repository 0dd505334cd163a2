import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AnyStateMachine } from "xstate";
import { machines } from "../../machines/index.ts";
import { exportMachines } from "../../src/inspect/export/index.ts";

interface JsonState {
  id: string;
  type: string;
  states: Record<string, JsonState>;
  on: Record<string, unknown[]>;
}

const jsonIds = (s: JsonState): string[] => [s.id, ...Object.values(s.states).flatMap(jsonIds)];
const machineIds = (node: AnyStateMachine["root"]): string[] => [
  node.id,
  ...(Object.values(node.states) as AnyStateMachine["root"][]).flatMap(machineIds),
];

test("json: every machine's definition parses back to the same states and events", () => {
  const all = exportMachines({ format: "json" });
  assert.equal(
    all.map((m) => m.name),
    Object.keys(machines),
  );
  for (const m of all) {
    const machine = machines[m.name];
    const def = JSON.parse(m.text) as JsonState;
    assert.is(def.id, machine.id);
    assert.equal(jsonIds(def), machineIds(machine.root), `${m.name}: state ids`);
    assert.equal(Object.keys(def.on).sort(), [...machine.root.transitions.keys()].sort(), `${m.name}: root events`);
  }
});

test("json: the definition keeps nesting and state types (the node machine's parallel 'running')", () => {
  const [node] = exportMachines({ format: "json", machine: "node" });
  const def = JSON.parse(node?.text ?? "{}") as JsonState;
  const running = def.states.running;
  assert.is(running?.type, "parallel");
  assert.equal(Object.keys(running?.states ?? {}), ["agent", "manager", "readiness"]);
  assert.is(running?.states.agent?.states.ready?.id, "node.running.agent.ready");
});

test.run();

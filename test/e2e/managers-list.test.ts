import { test } from "uvu";
import * as assert from "uvu/assert";
import { useManagerSwarm } from "../support/manager-swarm.ts";
import { waitFor } from "../support/wait-for.ts";

interface Info {
  RemoteManagers: { NodeID: string; Addr: string }[] | null;
}

// One manager; the worker joins before the second manager does.
const ms = useManagerSwarm(test, ["m1"]);

const managerAddrs = async (node: string): Promise<string[]> =>
  ((await ms.swarm.json<Info>(node, "info", "--format", "json")).RemoteManagers ?? []).map((m) => m.Addr).sort();

test("a worker's Manager Addresses follow the raft memberlist: a manager that joins later is announced to it", async () => {
  await ms.joinWorker("w1", "m1");
  assert.equal(await managerAddrs("w1"), [ms.addr("m1")]);
  await ms.join("m2", "m1");
  const both = [ms.addr("m1"), ms.addr("m2")].sort();
  await waitFor(
    async () => {
      const addrs = await managerAddrs("w1");
      return addrs.length === 2 && addrs.every((a, i) => a === both[i]) ? addrs : undefined;
    },
    { timeoutMs: 30_000, what: `w1's info to list the managers ${both.join(", ")}` },
  );
});

test.run();

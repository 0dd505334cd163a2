import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";

const swarm = useSwarm(test);
test.before(async () => {
  await swarm.daemon("lone");
});

const err = (text: string) => `Error response from daemon: ${text}`;

async function fails(node: string | undefined, args: string[], expected: string | RegExp): Promise<void> {
  const r = await swarm.cli(node, ...args);
  assert.is(r.code, 1, `swarmbus ${args.join(" ")} should exit 1; stdout: ${r.stdout}`);
  assert.is(r.stdout, "", "nothing on stdout");
  if (typeof expected === "string") assert.is(r.stderr.trim(), expected);
  else assert.match(r.stderr.trim(), expected);
}

test("a command with no daemon named, or a daemon that does not run", async () => {
  await fails(undefined, ["info"], /--node NAME or set SWARMBUS_NODE/);
  await fails(
    "nosuch",
    ["info"],
    err(`Cannot connect to the swarmbus daemon "nosuch" on ${swarm.nats.url}. Is the daemon running?`),
  );
  await fails("bad.name", ["info"], /invalid node name "bad\.name"/);
});

test("commands on a node outside any swarm answer moby's messages", async () => {
  await fails("lone", ["swarm", "leave"], err("This node is not part of a swarm"));
  const noManager = err(
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
  );
  await fails("lone", ["node", "ls"], noManager);
  await fails("lone", ["node", "inspect", "self"], noManager);
  await fails("lone", ["swarm", "join-token", "worker"], noManager);
});

test("bad arguments are refused before anything changes", async () => {
  await fails("lone", ["swarm", "join-token", "admin"], /value 'admin' is invalid for argument 'role'/);
  await fails("lone", ["swarm", "join", "127.0.0.1:1"], /required option '--token <token>' not specified/);
  await fails(
    "lone",
    ["swarm", "join", "--token", "x", "not-an-address"],
    /rpc error: code = InvalidArgument desc = .*HOST:PORT/,
  );
  await fails(
    "lone",
    ["swarm", "join", "--token", "SWMTKN-1-short", "127.0.0.1:1"],
    err("rpc error: code = InvalidArgument desc = invalid join token"),
  );
  await fails("lone", ["info", "--format", "yaml"], /argument 'yaml' is invalid/);
  const info = await swarm.json<{ LocalNodeState: string }>("lone", "info", "--format", "json");
  assert.is(info.LocalNodeState, "inactive");
});

test("a manager: unknown nodes, leaving without --force, and leaving with it", async () => {
  const port = await freePort();
  assert.is((await swarm.cli("lone", "swarm", "init", "--listen-addr", `127.0.0.1:${port}`)).code, 0);
  await fails(
    "lone",
    ["node", "inspect", "nosuchnode"],
    err("rpc error: code = NotFound desc = node nosuchnode not found"),
  );
  await fails(
    "lone",
    ["swarm", "leave"],
    err(
      "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.",
    ),
  );
  const left = await swarm.cli("lone", "swarm", "leave", "--force");
  assert.is(left.code, 0, left.stderr);
  assert.is(left.stdout, "Node left the swarm.\n");
  assert.is((await swarm.cli("lone", "info")).stdout, " Swarm: inactive\n");
});

test.run();

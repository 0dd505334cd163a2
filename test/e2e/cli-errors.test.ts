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
  // docker's node inspect: what was found (nothing: `[]`), then the errors framed as its nested StatusError.
  const self = await swarm.cli("lone", "node", "inspect", "self");
  assert.is(self.code, 1);
  assert.is(self.stdout, "[]\n");
  assert.is(self.stderr, `Status: ${noManager}, Code: 1\n`);
  await fails("lone", ["swarm", "join-token", "worker"], noManager);
});

test("bad arguments are refused before anything changes", async () => {
  await fails("lone", ["swarm", "join-token", "admin"], /value 'admin' is invalid for argument 'role'/);
  await fails(
    "lone",
    ["swarm", "join", "--token", "x", "not-an-address"],
    /rpc error: code = InvalidArgument desc = .*HOST:PORT/,
  );
  // SwarmKit's token parse error is a plain Go error: moby prints it bare, for v1 and v2 tokens alike.
  for (const token of ["SWMTKN-1-bogus", "SWMTKN-2-0-bogus"]) {
    await fails("lone", ["swarm", "join", "--token", token, "127.0.0.1:1"], err("invalid join token"));
  }
  const info = await swarm.json<{ LocalNodeState: string }>("lone", "info", "--format", "json");
  assert.is(info.LocalNodeState, "inactive");
});

test("info --format is a Go template over docker's info, .Swarm the swarm section; a bad one exits 64", async () => {
  const state = await swarm.cli("lone", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}");
  assert.is(state.stdout, "inactive false\n");
  const literal = await swarm.cli("lone", "info", "--format", "yaml");
  assert.is(literal.stdout, "yaml\n", "text without actions prints as it is, as docker's");
  const bad = await swarm.cli("lone", "info", "--format", "{{.Swarm.NodeID");
  assert.is(bad.code, 64);
  assert.is(bad.stdout, "");
  assert.is(bad.stderr, "template parsing error: template: :1: unclosed action\n");
  const unknownFn = await swarm.cli("lone", "info", "--format", "{{nosuch .Swarm}}");
  assert.is(unknownFn.code, 64);
  assert.is(unknownFn.stderr, 'template parsing error: template: :1: function "nosuch" not defined\n');
});

test("a manager: unknown nodes, leaving without --force, and leaving with it", async () => {
  const port = await freePort();
  assert.is((await swarm.cli("lone", "swarm", "init", "--listen-addr", `127.0.0.1:${port}`)).code, 0);
  const inspected = await swarm.cli("lone", "node", "inspect", "nosuchnode");
  assert.is(inspected.code, 1);
  assert.is(inspected.stdout, "[]\n");
  assert.is(inspected.stderr, "Status: Error: No such node: nosuchnode, Code: 1\n");
  // The docker CLI turns the daemon's 404 into its own text, naming the node as typed.
  for (const verb of ["demote", "promote", "rm"]) {
    await fails("lone", ["node", verb, "nosuchnode"], "Error: No such node: nosuchnode");
  }
  await fails("lone", ["node", "update", "--availability", "drain", "nosuchnode"], "Error: No such node: nosuchnode");
  await fails("lone", ["node", "inspect", "--pretty", "nosuchnode"], "Error: No such node: nosuchnode");
  await joinErrors(`127.0.0.1:${port}`);
  // Moby's message ends in a space; the docker CLI trims what the daemon says.
  const leave = await swarm.cli("lone", "swarm", "leave");
  assert.is(leave.code, 1);
  assert.is(
    leave.stderr,
    `${err(
      "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.",
    )}\n`,
  );
  const left = await swarm.cli("lone", "swarm", "leave", "--force");
  assert.is(left.code, 0, left.stderr);
  assert.is(left.stdout, "Node left the swarm.\n");
  assert.is((await swarm.cli("lone", "info")).stdout, " Swarm: inactive\n");
});

/** A second daemon's joins to the manager at addr that its CA, or the token's own check, refuses. */
async function joinErrors(addr: string): Promise<void> {
  await swarm.daemon("joiner");
  const token = (await swarm.cli("lone", "swarm", "join-token", "-q", "worker")).stdout.trim();
  const [, , digest, secret] = token.split("-");
  const listen = `127.0.0.1:${await freePort()}`;
  const join = (t: string[]) => ["swarm", "join", ...t, addr, "--listen-addr", listen];
  // No --token: the daemon asks anyway, and the CA refuses it (a gRPC status, so the CLI shows its wrapper).
  const refused = err("rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster");
  await fails("joiner", join([]), refused);
  // A v2 token parses (FIPS off) but is not the cluster's token.
  await fails("joiner", join(["--token", `SWMTKN-2-0-${digest}-${secret}`]), refused);
  await fails(
    "joiner",
    join(["--token", `SWMTKN-2-1-${digest}-${secret}`]),
    err("node is not FIPS-enabled but cluster requires FIPS"),
  );
  await fails(
    "joiner",
    join(["--token", `SWMTKN-1-${"0".repeat(50)}-${secret}`]),
    err(`remote CA does not match fingerprint. Expected: ${"0".repeat(64)}`),
  );
}

test.run();

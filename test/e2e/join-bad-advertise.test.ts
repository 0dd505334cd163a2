import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { lsLeaders, parseNodeLs } from "../support/node-ls.ts";
import { useSwarm } from "../support/swarm.ts";

/**
 * `swarm join` of a manager whose --advertise-addr nobody answers: the leader's
 * health check refuses it, and the CLI prints moby's whole chain.
 */
const swarm = useSwarm(test);

test("a manager join with a bad --advertise-addr fails as moby reports it; the swarm keeps one manager", async () => {
  const { addr } = await swarm.initManager("m1", await freePort());
  const token = (await swarm.cli("m1", "swarm", "join-token", "-q", "manager")).stdout.trim();
  await swarm.daemon("m2");
  const bad = await freePort(); // nothing listens there
  const listen = await freePort();
  const r = await swarm.cli(
    "m2",
    ...["swarm", "join", "--token", token, addr, "--listen-addr", `127.0.0.1:${listen}`],
    ...["--advertise-addr", `127.0.0.1:${bad}`],
  );
  assert.is(r.code, 1);
  assert.is(
    r.stderr.trim(),
    "Error response from daemon: manager stopped: can't initialize raft node: rpc error: code = Unknown desc = " +
      "could not connect to prospective new cluster member using its advertised address: " +
      "rpc error: code = Unavailable desc = connection error: desc = " +
      `"transport: Error while dialing dial tcp 127.0.0.1:${bad}: connect: connection refused"`,
  );
  const ls = await swarm.cli("m1", "node", "ls");
  const rows = parseNodeLs(ls.stdout);
  assert.equal(lsLeaders(rows), ["m1"]);
  assert.ok(!rows.some((row) => row.manager === "Reachable"), "no second Raft member");
});

test.run();

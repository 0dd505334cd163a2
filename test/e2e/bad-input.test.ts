import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, Metadata, type ServiceError } from "@grpc/grpc-js";
import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { Code } from "../../src/rpc/status.ts";
import { useSwarm } from "../support/swarm.ts";
import { anonymousChannel } from "../support/tls-fixture.ts";

const swarm = useSwarm(test);
let nc: NatsConnection;
let managerAddr = "";

test.before(async () => {
  managerAddr = (await swarm.initManager("m1", await freePort())).addr;
  nc = await swarm.nats.connect("e2e-bad-input");
});

async function stillServes(): Promise<void> {
  const r = await swarm.cli("m1", "info", "--format", "json");
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).LocalNodeState, "active");
}

test("garbage on the daemon's bus subjects is answered InvalidArgument and the daemon keeps serving", async () => {
  const s = subjects();
  const payloads: [string, string | Uint8Array][] = [
    ["init", new Uint8Array([0xff, 0x00, 0x13, 0x37])],
    ["join", '{"token": 42}'],
    ["join-token", '{"role":"admin"}'],
    ["node.inspect", "[]"],
    ["leave", '{"force":"yes"}'],
  ];
  for (const [verb, body] of payloads) {
    const reply = (await nc.request(s.daemon("m1", verb), body, { timeout: 5000 })).json<{
      ok: boolean;
      error?: { code: number; message: string };
    }>();
    assert.is(reply.ok, false, verb);
    assert.is(reply.error?.code, Code.InvalidArgument, `${verb}: ${reply.error?.message}`);
    assert.ok((reply.error?.message.length ?? 0) > 10, `${verb}: the message says what was wrong`);
  }
  await stillServes();
});

test("garbage events sent to the node's actors are refused and change nothing", async () => {
  const s = subjects();
  const reply = (await nc.request(s.actor("m1", "node"), '{"type":"EXPLODE"}', { timeout: 5000 })).json<{
    ok: boolean;
    error?: { code: number };
  }>();
  assert.is(reply.ok, false);
  assert.is(reply.error?.code, Code.InvalidArgument);
  await stillServes();
});

test("bytes that are not protobuf on every Dispatcher call get InvalidArgument; the manager keeps serving", async () => {
  // A TLS client pinned to the swarm's root, without a certificate: the bytes are refused before anyone is asked who sent them.
  const root = readFileSync(join(swarm.dir, "m1", "swarm", "certificates", "swarm-root-ca.crt"));
  const { creds, options } = anonymousChannel(root);
  const client = new Client(managerAddr, creds, options);
  try {
    for (const method of ["Heartbeat", "UpdateTaskStatus"]) {
      const err = await new Promise<ServiceError | null>((resolve) => {
        client.makeUnaryRequest(
          `/docker.swarmkit.v1.Dispatcher/${method}`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
          new Metadata(),
          (e) => resolve(e),
        );
      });
      assert.ok(err, `${method} must fail`);
      assert.is(err?.code, Code.InvalidArgument, `${method}: ${err?.details}`);
    }
  } finally {
    client.close();
  }
  await stillServes();
  assert.match((await swarm.cli("m1", "node", "ls")).stdout, /\bm1\s+Ready\s+Active\s+Leader/);
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { connectBus, serverUrl } from "../../src/bus/connection.ts";
import { parseNatsServers } from "../../src/bus/nats-servers.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { useNatsServer } from "../support/nats-server.ts";

const nats = useNatsServer(test);

test("--nats takes one URL or a comma-separated list, in order", () => {
  assert.equal(parseNatsServers("nats://127.0.0.1:4222"), ["nats://127.0.0.1:4222"]);
  assert.equal(parseNatsServers("nats://10.0.0.1:4222, tls://h2.example:4222,10.0.0.3"), [
    "nats://10.0.0.1:4222",
    "tls://h2.example:4222",
    "10.0.0.3",
  ]);
  assert.equal(parseNatsServers("[::1]:4222"), ["[::1]:4222"]);
});

test("a bad item of the list is refused naming it and why", () => {
  const cases: [string, RegExp][] = [
    ["nats://a:4222,,nats://b:4222", /no empty item/],
    ["http://a:4222", /"http:\/\/a:4222": scheme http:\/\/ is not nats:\/\/ or tls:\/\//],
    ["nats://a:4222,nats://b:99999", /"nats:\/\/b:99999": not a URL/],
    ["nats://u:p@a:4222", /credentials go in --nats-creds/],
    ["nats://a:4222/x", /no path/],
    ["nats://a_b:4222", /no valid host/],
  ];
  for (const [text, why] of cases) {
    let e: unknown;
    try {
      parseNatsServers(text);
    } catch (err) {
      e = err;
    }
    assert.ok(isRpcError(e, "InvalidArgument"), `${text}: ${String(e)}`);
    assert.match((e as Error).message, why);
  }
});

test("a list whose first server is down connects to the next; none up → Unavailable naming them all", async () => {
  const nc = await connectBus({ url: `nats://127.0.0.1:1,${nats.url}`, creds: nats.creds }, "list");
  try {
    assert.is(serverUrl(nc), nats.url);
  } finally {
    await nc.close();
  }
  const e = await rejection(() => connectBus({ url: "nats://127.0.0.1:1,nats://127.0.0.1:2" }, "none"));
  assert.ok(isRpcError(e, "Unavailable"), String(e));
  assert.match(
    (e as Error).message,
    /^cannot reach any NATS server of nats:\/\/127\.0\.0\.1:1, nats:\/\/127\.0\.0\.1:2: /,
  );
});

test.run();

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createAccount } from "@nats-io/jwt";
import { errors, type Status } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initBusTrust, loadAccountSigner } from "../../../src/bus/auth/trust-root.ts";
import { accountSigner, issueUserCreds } from "../../../src/bus/auth/user.ts";
import { connectBus } from "../../../src/bus/connection.ts";
import { isRpcError } from "../../../src/rpc/status.ts";
import { rejection } from "../../support/caught.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { useTempDir } from "../../support/temp-dir.ts";
import { collector } from "../../support/wait-for.ts";

/**
 * The bus refuses anyone who cannot show credentials issued from its trust root,
 * and holds each user to the subjects its JWT grants: the mechanism the managers
 * will use to give every node only its own subjects.
 */
const nats = useNatsServer(test);
const dir = useTempDir(test, "swarmbus-bus-auth-");

function credsFile(name: string, text: string): string {
  const path = join(dir, `${name}.creds`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

test("a client without credentials is refused at connect with NATS's authorization violation", async () => {
  const e = await rejection(() => connectBus({ url: nats.url, ca: nats.handle.ca }, "anonymous"));
  assert.ok(isRpcError(e, "Unauthenticated"), String(e));
  assert.match((e as Error).message, `the NATS server at ${nats.url} refused a client without credentials`);
  assert.match((e as Error).message, /--nats-creds FILE/);
  assert.match((e as Error).message, /Authorization Violation/);
});

test("credentials from another bus's trust root (another operator) are refused", async () => {
  const other = await initBusTrust(join(dir, "other-bus"));
  const e = await rejection(() =>
    connectBus({ url: nats.url, creds: other.adminCreds, ca: nats.handle.ca }, "stranger"),
  );
  assert.ok(isRpcError(e, "Unauthenticated"), String(e));
  assert.match((e as Error).message, `refused the credentials in ${other.adminCreds}: Authorization Violation`);
});

test("the client port speaks TLS only: a client that trusts another CA (or none) is refused before any credential is sent", async () => {
  const other = await initBusTrust(join(dir, "other-ca"));
  const e = await rejection(() => connectBus({ url: nats.url, creds: nats.creds, ca: other.busCa }, "wrong-ca"));
  assert.ok(isRpcError(e, "Unavailable"), String(e));
  assert.match((e as Error).message, `cannot reach the NATS server at ${nats.url} over TLS`);
  assert.match((e as Error).message, `is ${other.busCa} the CA of its trust root?`);
  // Credentials kept apart from their trust root's CA: the client does not fall back to trusting the server.
  const creds = credsFile("no-ca", readFileSync(nats.creds, "utf8"));
  const bare = await rejection(() => connectBus({ url: nats.url, creds }, "no-ca"));
  assert.match((bare as Error).message, /over TLS: .*pass --nats-ca FILE/);
});

test("a user signed by a key the swarm account does not list is refused", async () => {
  const swarm = loadAccountSigner(nats.handle.trustDir);
  const forger = accountSigner(swarm.account, new TextDecoder().decode(createAccount().getSeed()));
  const creds = credsFile("forged", await issueUserCreds("forged", forger));
  const e = await rejection(() => connectBus({ url: nats.url, creds, ca: nats.handle.ca }, "forged"));
  assert.ok(isRpcError(e, "Unauthenticated"), String(e));
});

test("the server enforces a user's subject permissions: a publish or subscribe outside them is a permissions violation", async () => {
  const signer = loadAccountSigner(nats.handle.trustDir);
  const limited = credsFile(
    "limited",
    await issueUserCreds("limited", signer, { pub: { allow: ["allowed.>"] }, sub: { allow: ["allowed.>"] } }),
  );
  const admin = await nats.connect("watcher", "unrestricted");
  const seen = collector<string>();
  const adminSub = admin.subscribe("*.x", { callback: (_e, m) => seen.push(m.subject) });
  await admin.flush();

  const user = await connectBus({ url: nats.url, creds: limited, ca: nats.handle.ca }, "limited");
  try {
    const statuses = collector<Status>();
    void (async () => {
      for await (const s of user.status()) statuses.push(s);
    })();
    user.publish("denied.x");
    user.publish("allowed.x");
    await user.flush();
    const denied = await statuses.waitFor((s) => s.type === "error", { timeoutMs: 5_000, what: "a publish error" });
    assert.ok(denied.type === "error" && denied.error instanceof errors.PermissionViolationError, String(denied));
    assert.match(
      String(denied.type === "error" ? denied.error.message : ""),
      /Permissions Violation for Publish to "denied\.x"/,
    );
    await seen.waitFor((s) => s === "allowed.x", { timeoutMs: 5_000, what: "the allowed publish" });
    assert.not.ok(seen.items.includes("denied.x"), "the denied publish reached a subscriber");

    const sub = user.subscribe("denied.>");
    // The subscription ends with the server's error rather than receiving anything.
    const closed = await sub.closed;
    assert.ok(closed instanceof errors.PermissionViolationError, String(closed));
    assert.match(closed.message, /Permissions Violation for Subscription to "denied\.>"/);
  } finally {
    adminSub.unsubscribe();
    await user.close();
  }
});

test.run();

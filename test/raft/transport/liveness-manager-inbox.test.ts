import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Status } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { issueManagerJwt } from "../../../src/bus/auth/manager-credentials.ts";
import { createNodeNkey, formatCreds } from "../../../src/bus/auth/node-nkey.ts";
import { inboxPrefixOf } from "../../../src/bus/auth/permissions.ts";
import { readAccountSigner } from "../../../src/bus/auth/trust-root.ts";
import { connectBus } from "../../../src/bus/connection.ts";
import { subjects } from "../../../src/bus/subjects.ts";
import { NatsLiveness } from "../../../src/raft/transport/nats-liveness.ts";
import type { RaftId } from "../../../src/raft/types.ts";
import { useNatsServer } from "../../support/nats-server.ts";
import { useTempDir } from "../../support/temp-dir.ts";
import { collector } from "../../support/wait-for.ts";

/**
 * On a manager's own connection (credentials that allow replies only under
 * `_INBOX_<node ID>`), the liveness inbox is one the server lets it listen
 * on: a gone peer is still known from the server's "no responders" status,
 * and no permission error is raised.
 */
const nats = useNatsServer(test);
const dir = useTempDir(test, "swarmbus-liveness-inbox-");
const manager = { nodeId: "node1", clusterId: "clu1" };

test("a manager connection's liveness inbox is under its inbox prefix: a gone peer is reported", async () => {
  const nkey = createNodeNkey();
  const jwt = await issueManagerJwt(readAccountSigner(nats.handle.trustDir), manager, nkey.publicKey);
  const creds = join(dir, "manager.creds");
  writeFileSync(creds, formatCreds(jwt, nkey.seed), { mode: 0o600 });
  const nc = await connectBus({ url: nats.url, creds, ca: nats.handle.ca }, "liveness-manager", {
    inboxPrefix: inboxPrefixOf({ role: "manager", ...manager }),
  });
  const errors = collector<Status>();
  void (async () => {
    for await (const s of nc.status()) if (s.type === "error") errors.push(s);
  })();
  const gone = collector<RaftId>();
  const liveness = new NatsLiveness(nc, gone.push);
  try {
    assert.match(liveness.replyTo("7"), /^_INBOX_node1\./);
    const subject = subjects().raft(manager.clusterId, "7", manager.nodeId);
    await liveness.probe([{ id: "7", subject }], 5_000);
    await gone.waitFor((p) => String(p) === "7", { timeoutMs: 5_000, what: "peer 7 reported gone" });
    await nc.flush();
    assert.equal(errors.items, [], "no permission error on the manager's connection");
  } finally {
    liveness.close();
    await nc.close();
  }
});

test.run();

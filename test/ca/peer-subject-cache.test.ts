import {
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  Server,
  type ServerUnaryCall,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeIdentity } from "../../src/ca/credentials.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { verifiedSubject } from "../../src/ca/tls/peer-identity.ts";
import { tlsSocketOf } from "../../src/ca/tls/peer-subject-cache.ts";
import { anonymousCredentials, clientCredentialsFor, managerCredentials } from "../support/tls-fixture.ts";

/**
 * Each call's caller is read from its own connection's verified certificate, and
 * read once per connection (grpc-js rebuilds the certificate object per call
 * otherwise). The cache is keyed by the TLS socket found under the call: if a
 * grpc-js upgrade moves it, the first test fails rather than the cache silently
 * going away.
 */
const CLUSTER = "c".padEnd(25, "0");
const id = (n: string, role: NodeIdentity["role"]): NodeIdentity => ({
  nodeId: n.padEnd(25, "0"),
  role,
  clusterId: CLUSTER,
});
const codec = { serialize: (s: string) => Buffer.from(s), deserialize: (b: Buffer) => b.toString() };
const whoAmI = {
  path: "/test.Peer/WhoAmI",
  requestStream: false,
  responseStream: false,
  requestSerialize: codec.serialize,
  requestDeserialize: codec.deserialize,
  responseSerialize: codec.serialize,
  responseDeserialize: codec.deserialize,
};

async function serve() {
  const root = await createRootCA();
  const manager = await managerCredentials(root, id("m", "swarm-manager"));
  const seen: { socket: boolean; cn: string }[] = [];
  const server = new Server();
  server.addService(
    { WhoAmI: whoAmI },
    {
      WhoAmI: (call: ServerUnaryCall<string, string>, cb: sendUnaryData<string>) => {
        const subject = verifiedSubject(call);
        seen.push({ socket: tlsSocketOf(call) !== null, cn: subject?.cn ?? "" });
        cb(null, subject ? `${subject.cn} ${subject.ou.join(",")}` : "anonymous");
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", manager.server.serverCredentials(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const clients: Client[] = [];
  const ask = (creds: ChannelCredentials, options: ChannelOptions) => {
    const client = new Client(`127.0.0.1:${port}`, creds, options);
    clients.push(client);
    return () =>
      new Promise<string>((resolve, reject) =>
        client.makeUnaryRequest(whoAmI.path, codec.serialize, codec.deserialize, "who", (e, r) =>
          e ? reject(e) : resolve(r ?? ""),
        ),
      );
  };
  const stop = () => {
    for (const c of clients) c.close();
    server.forceShutdown();
  };
  return { root, ask, seen, stop };
}

test("every call on a connection names that connection's own certificate, read through its TLS socket", async () => {
  const s = await serve();
  try {
    const w1 = await clientCredentialsFor(s.root, id("w1", "swarm-worker"));
    const w2 = await clientCredentialsFor(s.root, id("w2", "swarm-worker"));
    const one = s.ask(w1.channelCredentials(), w1.channelOptions());
    const two = s.ask(w2.channelCredentials(), w2.channelOptions());
    for (let i = 0; i < 3; i++) {
      assert.is(await one(), `${"w1".padEnd(25, "0")} swarm-worker`);
      assert.is(await two(), `${"w2".padEnd(25, "0")} swarm-worker`);
    }
    assert.ok(
      s.seen.every((c) => c.socket),
      "the TLS socket under a grpc-js call was not found: the per-connection cache is off",
    );
  } finally {
    s.stop();
  }
});

test("a connection without a certificate stays anonymous on every call", async () => {
  const s = await serve();
  try {
    const anon = anonymousCredentials(s.root.certificate, id("x", "swarm-worker"));
    const ask = s.ask(anon.channelCredentials(), anon.channelOptions());
    assert.is(await ask(), "anonymous");
    assert.is(await ask(), "anonymous");
  } finally {
    s.stop();
  }
});

test.run();

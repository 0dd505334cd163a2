import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeIdentity } from "../../src/ca/credentials.ts";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { verifyNodeCertificate } from "../../src/ca/pki/verify-node-certificate.ts";
import { ManagersFile, readManagers } from "../../src/node/managers-file.ts";
import { readStartConfig, writeStartConfig } from "../../src/node/start-config-file.ts";
import {
  clearSwarmDir,
  ensureSwarmDir,
  ensureWorkerDir,
  nodeCertPath,
  readNodeIdentity,
  readRootCACertificate,
  removeNodeCreds,
  swarmDirOf,
  writeNodeCertificate,
  writeNodeKeyPair,
  writeRootCACertificate,
} from "../../src/node/state-dir.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { listing } from "../support/dir-listing.ts";
import { FaultyFs } from "../support/faulty-fs.ts";

const dirs: string[] = [];
async function freshSwarmDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "swarmbus-state-"));
  dirs.push(d);
  return swarmDirOf(d);
}

const decodeJson = (b: Buffer): NodeIdentity => JSON.parse(b.toString()) as NodeIdentity;
const verified = async (cert: Buffer, root: Buffer) => (await verifyNodeCertificate(root, cert)).identity;
const ident: NodeIdentity = {
  nodeId: "abcdefghijklmnopqrstuvwxy",
  role: "swarm-worker",
  clusterId: "0123456789abcdefghijklmno",
};

test.after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

test("an empty state dir holds no swarm", async () => {
  const s = await freshSwarmDir();
  assert.is(await readNodeIdentity(s, decodeJson), null);
  assert.equal(await readManagers(s), []);
  assert.is(await readStartConfig(s), null);
});

test("the node identity round-trips through certificates/swarm-node.crt (0644, as SwarmKit's certPerms)", async () => {
  const s = await freshSwarmDir();
  await writeNodeCertificate(s, Buffer.from(JSON.stringify(ident)));
  const got = await readNodeIdentity(s, decodeJson);
  assert.equal(got?.identity, ident);
  assert.is((await stat(nodeCertPath(s))).mode & 0o777, 0o644);
});

test("a corrupt certificate reads as SwarmKit's TLS-loading error, naming the file", async () => {
  const s = await freshSwarmDir();
  await writeNodeCertificate(s, Buffer.from("garbage"));
  const e = await rejection(() => readNodeIdentity(s, verified));
  assert.ok(isRpcError(e, "Unknown"));
  assert.is(e.message, `error while loading TLS certificate in ${nodeCertPath(s)}: no certificates to validate`);
  await writeNodeCertificate(s, Buffer.from(JSON.stringify({ ...ident, nodeId: "short" })));
  const bad = await rejection(() => readNodeIdentity(s, decodeJson));
  assert.ok(isRpcError(bad));
  assert.is(bad.message, `error while loading TLS certificate in ${nodeCertPath(s)}: invalid node ID "short"`);
  await writeNodeCertificate(s, Buffer.from(JSON.stringify({ ...ident, clusterId: "FIPS.0123456789abcdefghijklmno" })));
  assert.is((await readNodeIdentity(s, decodeJson))?.identity.clusterId, "FIPS.0123456789abcdefghijklmno");
});

test("a certificate the kept root did not sign reads as the TLS-loading error with x509's reason", async () => {
  const s = await freshSwarmDir();
  const root = await createRootCA();
  const { key, csr } = await createNodeKeyAndCSR();
  await writeRootCACertificate(s, (await createRootCA()).certificate);
  await writeNodeKeyPair(s, await signNodeCertificate(root, csr, ident), key);
  const e = await rejection(() => readNodeIdentity(s, verified));
  assert.ok(isRpcError(e, "Unknown"));
  assert.is(
    e.message,
    `error while loading TLS certificate in ${nodeCertPath(s)}: x509: certificate signed by unknown authority ` +
      '(possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "swarm-ca")',
  );
  await writeRootCACertificate(s, root.certificate);
  assert.equal((await readNodeIdentity(s, verified))?.identity, ident);
});

test("the files a node writes are laid out and moded as /var/lib/docker/swarm", async () => {
  const s = await freshSwarmDir();
  await writeRootCACertificate(s, Buffer.from("root"));
  await writeNodeKeyPair(s, Buffer.from(JSON.stringify(ident)), Buffer.from("key"));
  await new ManagersFile(s).save([{ NodeID: ident.nodeId, Addr: "127.0.0.1:2377" }]);
  await writeStartConfig(s, {
    LocalAddr: "",
    RemoteAddr: "",
    ListenAddr: "0.0.0.0:2377",
    AdvertiseAddr: "",
    DataPathAddr: "",
    JoinInProgress: false,
  });
  await ensureWorkerDir(s);
  assert.equal(await listing(s), [
    "0700 .",
    "0755 certificates",
    "0644 certificates/swarm-node.crt",
    "0600 certificates/swarm-node.key",
    "0644 certificates/swarm-root-ca.crt",
    "0600 docker-state.json",
    "0600 state.json",
    "0755 worker",
  ]);
  assert.is((await readRootCACertificate(s))?.toString(), "root");
});

test("state.json: managers sorted by NodeID, 0600, rewritten only when the set changes", async () => {
  const s = await freshSwarmDir();
  const f = new ManagersFile(s);
  assert.equal(await f.load(), []);
  const b = { NodeID: "bbbbbbbbbbbbbbbbbbbbbbbbb", Addr: "10.0.0.2:2377" };
  const a = { NodeID: "aaaaaaaaaaaaaaaaaaaaaaaaa", Addr: "10.0.0.1:2377" };
  assert.is(await f.save([b, a]), true);
  const text = await readFile(join(s, "state.json"), "utf8");
  assert.equal(JSON.parse(text), [a, b]);
  assert.is((await stat(join(s, "state.json"))).mode & 0o777, 0o600);
  const before = (await stat(join(s, "state.json"))).ino;
  assert.is(await f.save([a, b]), false, "same set in another order: not rewritten");
  assert.is((await stat(join(s, "state.json"))).ino, before);
  assert.is(await f.save([a]), true);
  assert.equal(await readManagers(s), [a]);
  assert.equal(
    (await readdir(s)).filter((n) => n.includes("tmp")),
    [],
    "no temp files left behind",
  );
  const reloaded = new ManagersFile(s);
  assert.equal(await reloaded.load(), [a]);
  assert.is(await reloaded.save([a]), false);
});

test("a corrupt state.json is an error naming the file", async () => {
  const s = await freshSwarmDir();
  await ensureSwarmDir(s);
  await writeFile(join(s, "state.json"), "{not json");
  const e = await rejection(() => readManagers(s));
  assert.ok(isRpcError(e, "Unknown"));
  assert.match(e.message, /state\.json: not valid JSON/);
  await writeFile(join(s, "state.json"), JSON.stringify([{ NodeID: 1 }]));
  assert.match(String(await rejection(() => readManagers(s))), /state\.json: expected \[\{"NodeID","Addr"\}\]/);
});

test("docker-state.json round-trips moby's nodeStartConfig; corrupt → error naming the file", async () => {
  const s = await freshSwarmDir();
  const cfg = {
    LocalAddr: "",
    RemoteAddr: "10.0.0.1:2377",
    ListenAddr: "0.0.0.0:2377",
    AdvertiseAddr: "10.0.0.5:2377",
    DataPathAddr: "",
    JoinInProgress: true,
  };
  await writeStartConfig(s, cfg);
  assert.equal(await readStartConfig(s), cfg);
  await writeFile(join(s, "docker-state.json"), JSON.stringify({ JoinInProgress: "yes" }));
  assert.match(String(await rejection(() => readStartConfig(s))), /docker-state\.json: JoinInProgress/);
  await writeFile(join(s, "docker-state.json"), "");
  assert.match(String(await rejection(() => readStartConfig(s))), /docker-state\.json: not valid JSON/);
});

test("docker-state.json holds moby's nodeStartConfig fields, in its order", async () => {
  const s = await freshSwarmDir();
  await writeStartConfig(s, {
    LocalAddr: "",
    RemoteAddr: "10.0.0.1:2377",
    ListenAddr: "0.0.0.0:2377",
    AdvertiseAddr: "",
    DataPathAddr: "",
    JoinInProgress: true,
  });
  assert.is(
    await readFile(join(s, "docker-state.json"), "utf8"),
    '{"LocalAddr":"","RemoteAddr":"10.0.0.1:2377","ListenAddr":"0.0.0.0:2377","AdvertiseAddr":"","DataPathAddr":"",' +
      '"DefaultAddressPool":null,"SubnetSize":0,"DataPathPort":0,"JoinInProgress":true}',
  );
});

test("clearing the swarm dir removes its contents and keeps the dir", async () => {
  const s = await freshSwarmDir();
  await writeNodeCertificate(s, Buffer.from(JSON.stringify(ident)));
  await new ManagersFile(s).save([{ NodeID: ident.nodeId, Addr: "127.0.0.1:2377" }]);
  await clearSwarmDir(s);
  assert.equal(await readdir(s), []);
  assert.is(await readNodeIdentity(s, decodeJson), null);
  await clearSwarmDir(join(s, "missing"));
});

test("swarm/, certificates/ and worker/ are fsync'd in their parent when made; clearing swarm/ and removing a file are fsync'd too", async () => {
  const root = await mkdtemp(join(tmpdir(), "swarmbus-dirsync-"));
  dirs.push(root);
  const s = swarmDirOf(root);
  const fs = new FaultyFs();
  await ensureSwarmDir(s, fs);
  await ensureWorkerDir(s, fs);
  assert.equal(
    fs.ops.filter((o) => o.op === "mkdir").map((o) => o.path),
    [s, join(s, "certificates"), join(s, "worker")],
  );
  assert.equal(fs.dirSyncs, [root, s, s]);
  await writeFile(join(s, "certificates", "swarm-node.creds"), "x");
  await removeNodeCreds(s, fs);
  assert.equal(fs.ops.at(-1), { op: "fsyncDir", path: join(s, "certificates") });
  await writeFile(join(s, "state.json"), "[]");
  await clearSwarmDir(s, fs);
  assert.equal(await readdir(s), []);
  assert.equal(fs.ops.at(-1), { op: "fsyncDir", path: s }, "swarm/ fsync'd after its entries are removed");
  assert.equal(fs.notSyncedInParent(), []);
});

test.run();

import { generateKeyPairSync } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidKekError } from "../../../src/manager/deks/key-encryption.ts";
import { kekOf, setKek } from "../../../src/manager/deks/node-kek.ts";
import {
  readNodeKeyFile,
  rotateNodeKek,
  unlockNodeKey,
  writeNodeKeyFile,
} from "../../../src/manager/deks/node-key-file.ts";
import { loadOrCreateRaftDek } from "../../../src/manager/deks/raft-dek.ts";
import { generateUnlockKey } from "../../../src/manager/deks/unlock-key.ts";
import { raftDirOf } from "../../../src/manager/raft-backend.ts";
import { rejection } from "../../support/caught.ts";
import { useTempDir } from "../../support/temp-dir.ts";

/**
 * A manager's key and Raft DEK on disk under autolock: written encrypted under
 * the KEK it holds, rotated to a new KEK (or to none) in place, opened at
 * start only with the right unlock key, and the DEK the same all along.
 */
const root = useTempDir(test, "swarmbus-node-key-");
let n = 0;

async function managerDir(): Promise<string> {
  const swarmDir = join(root, `swarm-${n++}`);
  await mkdir(join(swarmDir, "certificates"), { recursive: true });
  return swarmDir;
}

const clearKey = (): Buffer =>
  Buffer.from(
    generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }),
  );

test("a manager holding a KEK writes its key encrypted (0600) and its DEK sealed; the right key unlocks both after a restart", async () => {
  const s = await managerDir();
  const kek = generateUnlockKey();
  setKek(s, kek);
  const pem = clearKey();
  await writeNodeKeyFile(s, pem);
  const dek = await loadOrCreateRaftDek(s, raftDirOf(s));
  const onDisk = await readFile(join(s, "certificates", "swarm-node.key"));
  assert.match(onDisk.toString(), "BEGIN ENCRYPTED PRIVATE KEY");
  assert.is((await stat(join(s, "certificates", "swarm-node.key"))).mode & 0o777, 0o600);
  const headers = await readFile(join(s, "certificates", "swarm-node.key-headers"), "utf8");
  assert.not.ok(headers.includes(dek.toString("base64")), "the DEK is not in clear");
  assert.equal(await readNodeKeyFile(s), pem);

  setKek(s, null); // the daemon restarts: it holds no KEK
  assert.instance(await rejection(() => readNodeKeyFile(s)), InvalidKekError);
  assert.instance(await rejection(() => unlockNodeKey(s, null)), InvalidKekError);
  assert.instance(await rejection(() => unlockNodeKey(s, generateUnlockKey())), InvalidKekError);
  assert.is(kekOf(s), null);
  await unlockNodeKey(s, kek);
  assert.equal(kekOf(s), kek);
  assert.equal(await loadOrCreateRaftDek(s, raftDirOf(s)), dek);
});

test("rotating the KEK re-encrypts key and DEK for the new one; rotating to none leaves them in clear; the DEK stays", async () => {
  const s = await managerDir();
  const pem = clearKey();
  await writeNodeKeyFile(s, pem);
  const dek = await loadOrCreateRaftDek(s, raftDirOf(s));
  const [a, b] = [generateUnlockKey(), generateUnlockKey()];

  await rotateNodeKek(s, a, 5);
  await rotateNodeKek(s, b, 9);
  assert.match(await readFile(join(s, "certificates", "swarm-node.key-headers"), "utf8"), "kek-version: 9");
  setKek(s, null);
  assert.instance(await rejection(() => unlockNodeKey(s, a)), InvalidKekError);
  await unlockNodeKey(s, b);
  assert.equal(await loadOrCreateRaftDek(s, raftDirOf(s)), dek);

  await rotateNodeKek(s, null, 12);
  setKek(s, null);
  assert.not.match((await readFile(join(s, "certificates", "swarm-node.key"))).toString(), "ENCRYPTED");
  await unlockNodeKey(s, null);
  assert.equal(await readNodeKeyFile(s), pem);
  assert.equal(await loadOrCreateRaftDek(s, raftDirOf(s)), dek);
});

test("a worker's key in clear opens whatever unlock key is given, and the node then holds none", async () => {
  const s = await managerDir();
  await writeNodeKeyFile(s, clearKey());
  await unlockNodeKey(s, generateUnlockKey());
  assert.is(kekOf(s), null);
});

test.run();

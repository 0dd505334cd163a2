import { createPrivateKey } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * An operator turns on autolock so that a stolen disk or a restarted manager
 * gives nothing away without the unlock key: the restarted manager stays
 * locked until `swarm unlock` gets the right key, and the swarm it then serves
 * is the one it had. The key never lands on disk.
 */
const swarm = useSwarm(test);

const SWMKEY = /SWMKEY-1-[A-Za-z0-9+/]+/;
const LOCKED =
  'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));

interface SwarmInfo {
  Swarm: {
    LocalNodeState: string;
    Error: string;
    Cluster?: { Spec: { EncryptionConfig: { AutoLockManagers: boolean } } };
  };
}

async function restart(name: string): Promise<void> {
  await swarm.daemons.get(name)?.stop(3000);
  await swarm.daemon(name);
}

async function localState(name: string): Promise<string> {
  return (await swarm.json<SwarmInfo>(name, "info", "--format", "{{json .}}")).Swarm.LocalNodeState;
}

/** Unlocks with `key` and waits until node commands answer again. */
async function unlock(name: string, key: string): Promise<void> {
  const r = await swarm.cliWithInput(name, `${key}\n`, "swarm", "unlock");
  assert.is(r.code, 0, r.stderr);
  await waitFor(async () => (await swarm.cli(name, "node", "ls")).code === 0, {
    timeoutMs: 20_000,
    what: `node ls on ${name} after unlock`,
    intervalMs: 100,
  });
}

/** The key file opens with the unlock key `key` as its passphrase (what `openssl pkey -passin` would do). */
function opensWith(file: string, key: string): boolean {
  try {
    createPrivateKey({ key: readFileSync(file), passphrase: Buffer.from(key.replace("SWMKEY-1-", ""), "base64") });
    return true;
  } catch {
    return false;
  }
}

function assertNoSecretsOnDisk(stateDir: string, keys: string[]): void {
  for (const f of filesUnder(stateDir)) {
    const bytes = readFileSync(f);
    const rel = relative(stateDir, f);
    assert.not.ok(bytes.includes("SWMTKN"), `${rel} holds a join token in clear`);
    assert.not.ok(bytes.includes("SWMKEY"), `${rel} holds an unlock key`);
    for (const k of keys) {
      const raw = Buffer.from(k.replace("SWMKEY-1-", ""), "base64");
      assert.not.ok(bytes.includes(raw), `${rel} holds the unlock key's bytes`);
      assert.not.ok(bytes.includes(raw.toString("base64").replace(/=+$/, "")), `${rel} holds the unlock key in base64`);
    }
    if (rel.endsWith("swarm-node.key")) assert.match(bytes.toString(), /BEGIN ENCRYPTED PRIVATE KEY/);
  }
}

test("an autolocked manager restarts locked, refuses a wrong key, and the right key brings its swarm back", async () => {
  const port = await freePort();
  await swarm.daemon("m1", { listenPort: port });
  const init = await swarm.cli("m1", "swarm", "init", "--autolock", "--listen-addr", `127.0.0.1:${port}`);
  assert.is(init.code, 0, init.stderr);
  const key = SWMKEY.exec(init.stdout)?.[0] ?? "";
  assert.ok(key !== "", init.stdout);
  assert.ok(
    init.stdout.endsWith(
      "To unlock a swarm manager after it restarts, run the `swarmbus swarm unlock`\n" +
        `command and provide the following key:\n\n    ${key}\n\n` +
        "Please remember to store this key in a password manager, since without it you\n" +
        "will not be able to restart the manager.\n",
    ),
    init.stdout,
  );
  assert.match((await swarm.cli("m1", "info")).stdout, "Autolock Managers: true");
  assert.is((await swarm.cli("m1", "swarm", "unlock-key", "-q")).stdout, `${key}\n`);
  const unlockedAlready = await swarm.cliWithInput("m1", `${key}\n`, "swarm", "unlock");
  assert.is(unlockedAlready.stderr.trim(), "Error: swarm is not locked");

  const update = await swarm.cli("m1", "node", "update", "--label-add", "zone=blue", "m1");
  assert.is(update.code, 0, update.stderr);

  await restart("m1");
  const locked = (await swarm.json<SwarmInfo>("m1", "info", "--format", "{{json .}}")).Swarm;
  assert.is(locked.LocalNodeState, "locked");
  assert.is(locked.Error, LOCKED);
  const info = await swarm.cli("m1", "info");
  assert.match(info.stdout, "Swarm: locked");
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.code, 1);
  assert.is(ls.stderr.trim(), `Error response from daemon: ${LOCKED}`);
  assertNoSecretsOnDisk(join(swarm.dir, "m1"), [key]);

  const wrong = await swarm.cliWithInput(
    "m1",
    "SWMKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    "swarm",
    "unlock",
  );
  assert.is(wrong.code, 1);
  assert.is(wrong.stderr.trim(), "Error response from daemon: swarm could not be unlocked: invalid key provided");
  assert.is(await localState("m1"), "locked");
  const garbage = await swarm.cliWithInput("m1", "not-a-key\n", "swarm", "unlock");
  assert.is(garbage.stderr.trim(), "Error response from daemon: invalid key string");

  await unlock("m1", key);
  assert.is(await localState("m1"), "active");
  const label = await swarm.cli("m1", "node", "inspect", "--format", "{{json .Spec.Labels}}", "m1");
  assert.is(label.stdout.trim(), '{"zone":"blue"}');
  assert.is((await swarm.cli("m1", "swarm", "unlock-key", "-q")).stdout, `${key}\n`);

  const rotated = await swarm.cli("m1", "swarm", "unlock-key", "--rotate", "-q");
  assert.is(rotated.code, 0, rotated.stderr);
  const newKey = rotated.stdout.trim();
  assert.match(newKey, SWMKEY);
  assert.is.not(newKey, key);
  // The manager seals its key again under the new unlock key once it sees the cluster change.
  const keyFile = join(swarm.dir, "m1", "swarm", "certificates", "swarm-node.key");
  await waitFor(() => opensWith(keyFile, newKey), { timeoutMs: 10_000, what: "the key re-encrypted" });

  await restart("m1");
  assert.is(await localState("m1"), "locked");
  const old = await swarm.cliWithInput("m1", `${key}\n`, "swarm", "unlock");
  assert.is(old.stderr.trim(), "Error response from daemon: swarm could not be unlocked: invalid key provided");
  await unlock("m1", newKey);
  assert.is(
    (await swarm.cli("m1", "node", "inspect", "--format", "{{json .Spec.Labels}}", "m1")).stdout.trim(),
    '{"zone":"blue"}',
  );
  assertNoSecretsOnDisk(join(swarm.dir, "m1"), [key, newKey]);
});

test("swarm update --autolock=false unlocks the key on disk: the manager restarts active; =true prints a new key", async () => {
  const port = await freePort();
  await swarm.daemon("m2", { listenPort: port });
  assert.is((await swarm.cli("m2", "swarm", "init", "--listen-addr", `127.0.0.1:${port}`)).code, 0);
  const noKey = await swarm.cli("m2", "swarm", "unlock-key");
  assert.is(noKey.stderr.trim(), "no unlock key is set");
  const noRotate = await swarm.cli("m2", "swarm", "unlock-key", "--rotate");
  assert.is(noRotate.stderr.trim(), "cannot rotate because autolock is not turned on");

  const on = await swarm.cli("m2", "swarm", "update", "--autolock=true");
  assert.is(on.code, 0, on.stderr);
  assert.match(on.stdout, /^Swarm updated\.\nTo unlock a swarm manager after it restarts/);
  const key = SWMKEY.exec(on.stdout)?.[0] ?? "";
  const keyFile = join(swarm.dir, "m2", "swarm", "certificates", "swarm-node.key");
  await waitFor(() => readFileSync(keyFile).includes("ENCRYPTED"), { timeoutMs: 10_000, what: "the key encrypted" });
  await restart("m2");
  assert.is(await localState("m2"), "locked");
  await unlock("m2", key);

  const off = await swarm.cli("m2", "swarm", "update", "--autolock=false");
  assert.is(off.stdout, "Swarm updated.\n");
  await waitFor(() => !readFileSync(keyFile).includes("ENCRYPTED"), { timeoutMs: 10_000, what: "the key in clear" });
  await restart("m2");
  assert.is(await localState("m2"), "active");
  assert.match((await swarm.cli("m2", "info")).stdout, "Autolock Managers: false");
});

test.run();

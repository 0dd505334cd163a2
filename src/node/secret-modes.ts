import { chmod, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { KEY_HEADERS_FILE } from "../manager/deks/key-headers.ts";
import { CERT_DIRECTORY, NODE_CREDS_FILE, NODE_KEY_FILE } from "./state-dir.ts";

/**
 * Modes of what holds a secret in `<state-dir>/swarm`, tightened at every
 * start when something (a copy, a restore, an older swarmbus) left them looser:
 * the swarm dir and the Raft data's dirs 0700 (SK node.New, manager.go MkdirAll
 * 0700; etcd's PrivateDirMode), the key, its headers, the state files and every
 * Raft file 0600 (SK keyPerms, moby's AtomicWriteFile 0600, etcd's
 * PrivateFileMode). Certificates and certificates/ stay as written (0644, 0755):
 * Docker keeps them readable. Returns what it tightened, `<old mode> <path>`.
 */
const SECRET_DIRS = [".", "raft", "raft/wal", "raft/snap"];
const SECRET_FILES = [
  `${CERT_DIRECTORY}/${NODE_KEY_FILE}`,
  `${CERT_DIRECTORY}/${KEY_HEADERS_FILE}`,
  `${CERT_DIRECTORY}/${NODE_CREDS_FILE}`,
  "state.json",
  "docker-state.json",
];
const RAFT_FILE_DIRS = ["raft/wal", "raft/snap"];

export async function tightenSecretModes(swarmDir: string): Promise<string[]> {
  const done: string[] = [];
  for (const d of SECRET_DIRS) await tighten(join(swarmDir, d), 0o700, done);
  const files = [...SECRET_FILES];
  for (const d of RAFT_FILE_DIRS) for (const name of await names(join(swarmDir, d))) files.push(`${d}/${name}`);
  for (const f of files) await tighten(join(swarmDir, f), 0o600, done);
  return done;
}

async function tighten(path: string, mode: number, done: string[]): Promise<void> {
  let current: number;
  try {
    current = (await stat(path)).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if ((current & ~mode) === 0) return;
  await chmod(path, mode);
  done.push(`${current.toString(8).padStart(4, "0")} ${path}`);
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

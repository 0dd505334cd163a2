import { dirname } from "node:path";
import { nodeStorageFs, type StorageFile, type StorageFs } from "./storage-fs.ts";

/** fsync a directory, so a create, rename or unlink in it survives a crash. */
export async function fsyncDir(dir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  const fh = await fs.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * MkdirAll that survives a crash: each directory it creates is fsync'd in its
 * parent (a new directory's entry is in the parent's data, which only the
 * parent's fsync writes out). Directories that exist are left as they are.
 */
export async function mkdirDurable(path: string, mode: number, fs: StorageFs = nodeStorageFs): Promise<void> {
  const parent = dirname(path);
  if (parent === path) return;
  let created: boolean;
  try {
    created = await fs.mkdir(path, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    await mkdirDurable(parent, mode, fs);
    created = await fs.mkdir(path, mode);
  }
  if (created) await fsyncDir(parent, fs);
}

/** Removes a directory tree, then fsyncs its parent: after a crash it is gone, not back. */
export async function removeDurable(path: string, fs: StorageFs = nodeStorageFs): Promise<void> {
  await fs.rmTree(path);
  await fsyncDir(dirname(path), fs).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  });
}

/** Writes all of `buf` at `position` (a short write is continued, never ignored). */
export async function writeFully(fh: StorageFile, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Writes a file so that it is either absent or complete after a crash: temp file, fsync, rename, fsync dir.
 * 0600 by default: what goes through here (snapshots, the DEK) is secret (etcd's PrivateFileMode).
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  tmpName: string,
  data: Uint8Array,
  mode = 0o600,
  fs: StorageFs = nodeStorageFs,
): Promise<void> {
  const tmp = `${dir}/${tmpName}`;
  const fh = await fs.open(tmp, "w", mode);
  try {
    await writeFully(fh, data, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, `${dir}/${name}`);
  await fsyncDir(dir, fs);
}

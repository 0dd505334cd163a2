import type { FileHandle } from "node:fs/promises";
import { open, rename } from "node:fs/promises";

/** fsync a directory, so a create, rename or unlink in it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes all of `buf` at `position` (a short write is continued, never ignored). */
export async function writeFully(fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
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
): Promise<void> {
  const tmp = `${dir}/${tmpName}`;
  const fh = await open(tmp, "w", mode);
  try {
    await writeFully(fh, data, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, `${dir}/${name}`);
  await fsyncDir(dir);
}

import * as fs from "node:fs/promises";

/**
 * The file operations the Raft storage makes, and nothing else: the seam a
 * test puts a faulty disk (EIO, ENOSPC on a write or an fsync) or a crashable
 * one (what was not fsync'd is lost) behind. `nodeStorageFs` is the real one.
 */
export interface StorageFile {
  write(buf: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /** fdatasync: the data written so far (and the size) survive a crash. */
  datasync(): Promise<void>;
  /** fsync. On a directory: the entries created, renamed and removed in it survive a crash. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface StorageFs {
  /** `flags` as node's: "r" (a directory, to fsync it), "r+" (append to a segment), "w" (a new file). */
  open(path: string, flags: "r" | "r+" | "w", mode?: number): Promise<StorageFile>;
  readFile(path: string): Promise<Buffer>;
  readdir(path: string): Promise<string[]>;
  /** One directory, whose parent exists; false when it existed already. */
  mkdir(path: string, mode: number): Promise<boolean>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a directory and all it holds; nothing when it is absent. */
  rmTree(path: string): Promise<void>;
}

export const nodeStorageFs: StorageFs = {
  open: (path, flags, mode) => fs.open(path, flags, mode),
  readFile: (path) => fs.readFile(path),
  readdir: (path) => fs.readdir(path),
  async mkdir(path, mode) {
    try {
      await fs.mkdir(path, { mode });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    }
  },
  rename: (from, to) => fs.rename(from, to),
  unlink: (path) => fs.unlink(path),
  rmTree: (path) => fs.rm(path, { recursive: true, force: true }),
};

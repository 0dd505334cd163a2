import { posix } from "node:path";
import type { StorageFile, StorageFs } from "../../../../src/raft/storage/index.ts";

/**
 * An in-memory disk for the Raft storage that a crash can hit at any file
 * operation, with POSIX's guarantees and nothing more: a file's data survives
 * only up to its last fsync/fdatasync, and a directory entry (a file or
 * directory made, renamed in, removed) only once that directory was fsync'd —
 * an entry not fsync'd vanishes, one removed without it comes back. With
 * `torn`, a crash may also keep a part of a file's unsynced appended tail (what
 * a disk that wrote some pages of the last write shows).
 *
 *   const disk = new CrashDisk("/d", rng);
 *   const fs = disk.view(crashAfterOps);   // a StorageFs that crashes at that op
 *   … disk.crashed → disk.recover(); const fs2 = disk.view(…)
 */
interface Inode {
  live: Buffer;
  durable: Buffer;
}
type Entry = { kind: "file"; ino: Inode } | { kind: "dir"; dir: Dir };
interface Dir {
  live: Map<string, Entry>;
  durable: Map<string, Entry>;
}

const SECTOR = 512;

const newDir = (): Dir => ({ live: new Map(), durable: new Map() });

function fsError(code: string, op: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${op} '${path}'`), { code, syscall: op, path });
}

export class CrashDisk {
  private readonly root: Dir = newDir();
  private generation = 0;
  /** A view crashed and recover() was not called yet. */
  crashed = false;
  /** Operations made by all views (the crash points a run can choose from). */
  ops = 0;

  constructor(
    /** The absolute path the disk is mounted at (it exists, and is durable). */
    readonly mount: string,
    private readonly random: () => number = Math.random,
    private readonly torn = true,
  ) {}

  /** A StorageFs on this disk that crashes it when its `crashAt`-th operation (1-based) is made; never without. */
  view(crashAt = Number.POSITIVE_INFINITY): StorageFs {
    if (this.crashed) throw new Error("the disk crashed: recover() first");
    return new CrashView(this, this.generation, crashAt);
  }

  /** Called by a view at each operation: false once this view is dead (its disk crashed since). */
  step(gen: number, crashAt: number, count: number): boolean {
    if (gen !== this.generation) return false;
    this.ops++;
    if (count >= crashAt) {
      this.crashed = true;
      this.generation++;
      return false;
    }
    return true;
  }

  /** The power goes now, whatever the views are doing (they all fail from here on). */
  crashNow(): void {
    this.crashed = true;
    this.generation++;
  }

  /** The power comes back: what was durable is what there is. */
  recover(): void {
    const walk = (d: Dir) => {
      d.live = new Map(d.durable);
      for (const e of d.live.values()) {
        if (e.kind === "dir") walk(e.dir);
        else e.ino.live = this.survivor(e.ino);
        if (e.kind === "file") e.ino.durable = e.ino.live;
      }
    };
    walk(this.root);
    this.crashed = false;
  }

  private survivor(ino: Inode): Buffer {
    const { live, durable } = ino;
    const appended = live.length > durable.length && live.subarray(0, durable.length).equals(durable);
    const r = this.random();
    if (!this.torn || !appended || r < 0.4) return Buffer.from(durable);
    if (r < 0.8) {
      // Some of the unsynced tail reached the disk: a prefix of it.
      const keep = durable.length + Math.floor(this.random() * (live.length - durable.length + 1));
      return Buffer.from(live.subarray(0, keep));
    }
    // All of it but one 512-byte sector (pages reach the disk in any order); the durable bytes stay.
    const out = Buffer.from(live);
    const first = Math.floor(durable.length / SECTOR);
    const last = Math.floor((live.length - 1) / SECTOR);
    const s = (first + Math.floor(this.random() * (last - first + 1))) * SECTOR;
    out.fill(0, Math.max(s, durable.length), Math.min(s + SECTOR, live.length));
    return out;
  }

  /** The entry at `path` (live), or undefined; throws ENOENT when a parent is missing. */
  lookup(path: string): { parent: Dir; name: string; entry: Entry | undefined } {
    const rel = posix.relative(this.mount, posix.normalize(path));
    if (rel === "" || rel.startsWith("..")) throw fsError("EINVAL", "lookup", path);
    const parts = rel.split("/");
    let dir = this.root;
    for (const p of parts.slice(0, -1)) {
      const e = dir.live.get(p);
      if (!e) throw fsError("ENOENT", "lookup", path);
      if (e.kind !== "dir") throw fsError("ENOTDIR", "lookup", path);
      dir = e.dir;
    }
    const name = parts[parts.length - 1]!;
    return { parent: dir, name, entry: dir.live.get(name) };
  }

  dirAt(path: string): Dir {
    if (posix.normalize(path) === posix.normalize(this.mount)) return this.root;
    const { entry } = this.lookup(path);
    if (!entry) throw fsError("ENOENT", "opendir", path);
    if (entry.kind !== "dir") throw fsError("ENOTDIR", "opendir", path);
    return entry.dir;
  }

  /** Every file's live bytes, by path (for a test's eyes). */
  files(): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const walk = (d: Dir, at: string) => {
      for (const [name, e] of d.live) {
        if (e.kind === "dir") walk(e.dir, `${at}/${name}`);
        else out.set(`${at}/${name}`, e.ino.live);
      }
    };
    walk(this.root, this.mount);
    return out;
  }
}

class CrashView implements StorageFs {
  private count = 0;
  constructor(
    private readonly disk: CrashDisk,
    private readonly gen: number,
    private readonly crashAt: number,
  ) {}

  /** Every operation passes here first: the crash strikes, or a view that outlived one fails. */
  private async op(what: string, path: string): Promise<void> {
    await Promise.resolve(); // as a real fs call: never synchronous
    if (!this.disk.step(this.gen, this.crashAt, ++this.count)) throw fsError("EIO", `${what} (crashed)`, path);
  }

  async open(path: string, flags: "r" | "r+" | "w"): Promise<StorageFile> {
    await this.op("open", path);
    const d = this.disk;
    if (flags === "r" && (path === d.mount || d.lookup(path).entry?.kind === "dir")) {
      const dir = d.dirAt(path);
      return this.handle(path, {
        sync: () => {
          dir.durable = new Map(dir.live);
        },
      });
    }
    const { parent, name, entry } = d.lookup(path);
    let ino: Inode;
    if (entry?.kind === "dir") throw fsError("EISDIR", "open", path);
    if (entry) {
      ino = entry.ino;
      if (flags === "w") ino.live = Buffer.alloc(0);
    } else {
      if (flags !== "w") throw fsError("ENOENT", "open", path);
      ino = { live: Buffer.alloc(0), durable: Buffer.alloc(0) };
      parent.live.set(name, { kind: "file", ino });
    }
    return this.handle(path, {
      sync: () => {
        ino.durable = Buffer.from(ino.live);
      },
      ino,
    });
  }

  private handle(path: string, h: { sync(): void; ino?: Inode }): StorageFile {
    const file = () => {
      if (!h.ino) throw fsError("EISDIR", "write", path);
      return h.ino;
    };
    return {
      write: async (buf, offset, length, position) => {
        await this.op("write", path);
        const ino = file();
        const end = position + length;
        if (end > ino.live.length) {
          const grown = Buffer.alloc(end);
          ino.live.copy(grown);
          ino.live = grown;
        }
        ino.live.set(buf.subarray(offset, offset + length), position);
        return { bytesWritten: length };
      },
      datasync: async () => {
        await this.op("datasync", path);
        h.sync();
      },
      sync: async () => {
        await this.op("sync", path);
        h.sync();
      },
      truncate: async (n) => {
        await this.op("truncate", path);
        const ino = file();
        const next = Buffer.alloc(n);
        ino.live.copy(next, 0, 0, Math.min(n, ino.live.length));
        ino.live = next;
      },
      stat: async () => {
        await this.op("stat", path);
        return { size: h.ino ? h.ino.live.length : 0 };
      },
      close: async () => {},
    };
  }

  async readFile(path: string): Promise<Buffer> {
    await this.op("readFile", path);
    const { entry } = this.disk.lookup(path);
    if (!entry) throw fsError("ENOENT", "open", path);
    if (entry.kind === "dir") throw fsError("EISDIR", "read", path);
    return Buffer.from(entry.ino.live);
  }

  async readdir(path: string): Promise<string[]> {
    await this.op("readdir", path);
    return [...this.disk.dirAt(path).live.keys()].sort();
  }

  async mkdir(path: string): Promise<boolean> {
    await this.op("mkdir", path);
    const { parent, name, entry } = this.disk.lookup(path);
    if (entry) return false;
    parent.live.set(name, { kind: "dir", dir: { live: new Map(), durable: new Map() } });
    return true;
  }

  async rename(from: string, to: string): Promise<void> {
    await this.op("rename", to);
    const src = this.disk.lookup(from);
    if (!src.entry) throw fsError("ENOENT", "rename", from);
    const dst = this.disk.lookup(to);
    src.parent.live.delete(src.name);
    dst.parent.live.set(dst.name, src.entry);
  }

  async unlink(path: string): Promise<void> {
    await this.op("unlink", path);
    const { parent, name, entry } = this.disk.lookup(path);
    if (!entry) throw fsError("ENOENT", "unlink", path);
    if (entry.kind === "dir") throw fsError("EISDIR", "unlink", path);
    parent.live.delete(name);
  }

  async rmTree(path: string): Promise<void> {
    await this.op("rmTree", path);
    try {
      const { parent, name } = this.disk.lookup(path);
      parent.live.delete(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

import { dirname } from "node:path";
import { nodeStorageFs, type StorageFile, type StorageFs } from "../../src/raft/storage/index.ts";

/** The file operations a fault can be injected into. */
export type FaultyOp = "write" | "datasync" | "sync" | "open" | "rename" | "mkdir" | "unlink";

interface Fault {
  readonly op: FaultyOp;
  readonly code: "EIO" | "ENOSPC";
  readonly path: (p: string) => boolean;
}

/** An errno error as node's fs raises it. */
export function errno(code: "EIO" | "ENOSPC", syscall: string, path: string): NodeJS.ErrnoException {
  const what = code === "EIO" ? "i/o error" : "no space left on device";
  return Object.assign(new Error(`${code}: ${what}, ${syscall} '${path}'`), { code, syscall, path });
}

/**
 * The real disk (node:fs) with faults injected on demand: from `failFrom(op,
 * code)` on, every such operation on a matching path fails, as a disk gone bad
 * does. It also records each directory fsync (a `sync` on a directory handle).
 */
export class FaultyFs implements StorageFs {
  private faults: Fault[] = [];
  /** Directories fsync'd, in order. */
  readonly dirSyncs: string[] = [];
  /** Faults that fired, in order. */
  readonly fired: string[] = [];
  /** fdatasync calls made (faulty or not), by path. */
  readonly datasyncs: string[] = [];
  /** Changes to directory entries (mkdir, rename, unlink, rmTree) and directory fsyncs, in order. */
  readonly ops: { op: "mkdir" | "rename" | "unlink" | "rmTree" | "fsyncDir"; path: string }[] = [];

  /**
   * The entry changes no later fsync of their directory made durable: what a
   * crash could take back. A rename counts for its target's directory.
   */
  notSyncedInParent(): string[] {
    const out: string[] = [];
    this.ops.forEach((o, i) => {
      if (o.op === "fsyncDir") return;
      const parent = dirname(o.path);
      const synced = this.ops.slice(i + 1).some((later) => later.op === "fsyncDir" && later.path === parent);
      if (!synced) out.push(`${o.op} ${o.path}`);
    });
    return out;
  }

  constructor(private readonly real: StorageFs = nodeStorageFs) {}

  private held: { path: RegExp; waiting: (() => void)[] } | undefined;

  /** From now on, each fdatasync of a matching path waits until `releaseDatasync` lets it go (a slow disk, on cue). */
  holdDatasyncs(path: RegExp = /./): void {
    this.held = { path, waiting: [] };
  }

  /** How many fdatasyncs are being held. */
  heldDatasyncs(): number {
    return this.held?.waiting.length ?? 0;
  }

  /** Lets the oldest held fdatasync go; `all`: every one, and no more are held. */
  releaseDatasync(all = false): void {
    const h = this.held;
    if (!h) return;
    if (all) {
      this.held = undefined;
      for (const go of h.waiting) go();
    } else h.waiting.shift()?.();
  }

  /** Every later `op` on a path `path` matches (all paths by default) fails with `code`. */
  failFrom(op: FaultyOp, code: "EIO" | "ENOSPC", path: RegExp = /./): void {
    this.faults.push({ op, code, path: (p) => path.test(p) });
  }

  heal(): void {
    this.faults = [];
  }

  private check(op: FaultyOp, path: string): void {
    const f = this.faults.find((x) => x.op === op && x.path(path));
    if (!f) return;
    this.fired.push(`${op} ${path}`);
    throw errno(f.code, op, path);
  }

  async open(path: string, flags: "r" | "r+" | "w", mode?: number): Promise<StorageFile> {
    this.check("open", path);
    const fh = await this.real.open(path, flags, mode);
    const isDir = flags === "r";
    return {
      write: async (buf, offset, length, position) => {
        this.check("write", path);
        return fh.write(buf, offset, length, position);
      },
      datasync: async () => {
        this.datasyncs.push(path);
        this.check("datasync", path);
        const h = this.held;
        if (h?.path.test(path)) await new Promise<void>((go) => h.waiting.push(go));
        await fh.datasync();
      },
      sync: async () => {
        this.check("sync", path);
        await fh.sync();
        if (isDir) {
          this.dirSyncs.push(path);
          this.ops.push({ op: "fsyncDir", path });
        }
      },
      truncate: (n) => fh.truncate(n),
      stat: () => fh.stat(),
      close: () => fh.close(),
    };
  }

  readFile(path: string): Promise<Buffer> {
    return this.real.readFile(path);
  }
  readdir(path: string): Promise<string[]> {
    return this.real.readdir(path);
  }
  async mkdir(path: string, mode: number): Promise<boolean> {
    this.check("mkdir", path);
    const made = await this.real.mkdir(path, mode);
    if (made) this.ops.push({ op: "mkdir", path });
    return made;
  }
  async rename(from: string, to: string): Promise<void> {
    this.check("rename", to);
    await this.real.rename(from, to);
    this.ops.push({ op: "rename", path: to });
  }
  async unlink(path: string): Promise<void> {
    this.check("unlink", path);
    await this.real.unlink(path);
    this.ops.push({ op: "unlink", path });
  }
  async rmTree(path: string): Promise<void> {
    await this.real.rmTree(path);
    this.ops.push({ op: "rmTree", path });
  }
}

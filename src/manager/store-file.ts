import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { StoreSnapshot } from "./store.ts";

/**
 * The store's snapshot file, <swarmDir>/manager/store.json, until Raft's WAL
 * replaces it: written to a temp file, fsynced, renamed over the old one, and
 * the directory fsynced, so a crash leaves either the old or the new snapshot.
 * Buffers are kept as {"$bytes": base64}.
 */
export const STORE_FILE = "store.json";

export function managerDir(swarmDir: string): string {
  return join(swarmDir, "manager");
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString("base64") };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$bytes === "string") return Buffer.from(o.$bytes, "base64");
  }
  return value;
}

const fileSchema = z.object({
  format: z.literal("swarmbus-store/v1"),
  version: z.number().int().nonnegative(),
  nodes: z.array(z.object({ id: z.string().min(1) }).passthrough()),
  tasks: z.array(z.object({ id: z.string().min(1) }).passthrough()),
  cluster: z
    .object({ id: z.string().min(1) })
    .passthrough()
    .nullable(),
});

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function saveSnapshot(swarmDir: string, snapshot: StoreSnapshot): void {
  const dir = managerDir(swarmDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, STORE_FILE);
  const tmp = `${path}.tmp`;
  const body = JSON.stringify({ format: "swarmbus-store/v1", ...snapshot }, replacer);
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

/** The persisted snapshot, or undefined if there is none; throws if the file is not one. */
export function loadSnapshot(swarmDir: string): StoreSnapshot | undefined {
  const path = join(managerDir(swarmDir), STORE_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, "utf8"), reviver));
  if (!parsed.success) throw new Error(`${path}: not a swarmbus store snapshot: ${parsed.error.message}`);
  const { format: _format, ...rest } = parsed.data;
  return rest as unknown as StoreSnapshot;
}

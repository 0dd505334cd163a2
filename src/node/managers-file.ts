import { join } from "node:path";
import { z } from "zod";
import type { PeerInfo } from "../bus/daemon-contract.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";
import { errInvalidStateFile } from "./errors.ts";
import { ensureSwarmDir } from "./state-dir.ts";
import { parseJsonFile, readTextOrNull } from "./state-file.ts";

/** SwarmKit's stateFilename: the known managers as [{"NodeID","Addr"}] sorted by NodeID. */
export const STATE_FILE = "state.json";

const peersSchema = z.array(z.object({ NodeID: z.string(), Addr: z.string() }));

export function managersPath(swarmDir: string): string {
  return join(swarmDir, STATE_FILE);
}

function normalize(peers: readonly PeerInfo[]): PeerInfo[] {
  const byKey = new Map<string, PeerInfo>();
  for (const p of peers) byKey.set(`${p.NodeID}\u0000${p.Addr}`, { NodeID: p.NodeID, Addr: p.Addr });
  return [...byKey.values()].sort((a, b) =>
    a.NodeID < b.NodeID ? -1 : a.NodeID > b.NodeID ? 1 : a.Addr < b.Addr ? -1 : a.Addr > b.Addr ? 1 : 0,
  );
}

/** The managers in state.json; [] when the file does not exist. */
export async function readManagers(swarmDir: string): Promise<PeerInfo[]> {
  const file = managersPath(swarmDir);
  const text = await readTextOrNull(file);
  if (text === null) return [];
  const parsed = peersSchema.safeParse(parseJsonFile(file, text));
  if (!parsed.success) {
    throw errInvalidStateFile(file, `expected [{"NodeID","Addr"}] (${parsed.error.issues[0]?.message ?? "invalid"})`);
  }
  return normalize(parsed.data);
}

/**
 * SwarmKit's persistentRemotes: state.json is rewritten (atomically, 0600) only
 * when the set of managers changes.
 */
export class ManagersFile {
  readonly file: string;
  private last: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly swarmDir: string) {
    this.file = managersPath(swarmDir);
  }

  async load(): Promise<PeerInfo[]> {
    const peers = await readManagers(this.swarmDir);
    this.last = JSON.stringify(peers);
    return peers;
  }

  /** Resolves true when the file was written, false when the set was unchanged. */
  save(peers: readonly PeerInfo[]): Promise<boolean> {
    const next = this.chain.then(async () => {
      const text = JSON.stringify(normalize(peers));
      if (text === this.last) return false;
      await ensureSwarmDir(this.swarmDir);
      await writeFileAtomic(this.file, text, 0o600);
      this.last = text;
      return true;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** The managers last loaded or saved (SK node.New's remotes before an agent runs), sorted. */
  known(): PeerInfo[] {
    return this.last === null ? [] : (JSON.parse(this.last) as PeerInfo[]);
  }

  /** Forget what was written (after the state dir was cleared). */
  reset(): void {
    this.last = null;
  }
}

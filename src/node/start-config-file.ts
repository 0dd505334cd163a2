import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.ts";
import { errInvalidStateFile } from "./errors.ts";
import { ensureSwarmDir } from "./state-dir.ts";
import { parseJsonFile, readTextOrNull } from "./state-file.ts";

/** moby's stateFile: the nodeStartConfig a restarted daemon starts its node with again. */
export const START_CONFIG_FILE = "docker-state.json";

/** moby nodeStartConfig's exported fields, with its JSON names. */
export interface StartConfig {
  LocalAddr: string;
  RemoteAddr: string;
  ListenAddr: string;
  AdvertiseAddr: string;
  DataPathAddr: string;
  JoinInProgress: boolean;
}

/** No swarm: every field empty. */
export const emptyStartConfig = (): StartConfig => ({
  LocalAddr: "",
  RemoteAddr: "",
  ListenAddr: "",
  AdvertiseAddr: "",
  DataPathAddr: "",
  JoinInProgress: false,
});

const schema = z.object({
  LocalAddr: z.string().default(""),
  RemoteAddr: z.string().default(""),
  ListenAddr: z.string().default(""),
  AdvertiseAddr: z.string().default(""),
  DataPathAddr: z.string().default(""),
  JoinInProgress: z.boolean().default(false),
});

export function startConfigPath(swarmDir: string): string {
  return join(swarmDir, START_CONFIG_FILE);
}

export async function readStartConfig(swarmDir: string): Promise<StartConfig | null> {
  const file = startConfigPath(swarmDir);
  const text = await readTextOrNull(file);
  if (text === null) return null;
  const parsed = schema.safeParse(parseJsonFile(file, text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw errInvalidStateFile(file, `${issue?.path.join(".") || "content"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * As moby writes nodeStartConfig: every exported field in its order, the
 * address-pool and data-path-port fields at their zero values (swarmbus has no
 * overlay networks, so no init sets them).
 */
export async function writeStartConfig(swarmDir: string, config: StartConfig): Promise<void> {
  await ensureSwarmDir(swarmDir);
  const moby = {
    LocalAddr: config.LocalAddr,
    RemoteAddr: config.RemoteAddr,
    ListenAddr: config.ListenAddr,
    AdvertiseAddr: config.AdvertiseAddr,
    DataPathAddr: config.DataPathAddr,
    DefaultAddressPool: null,
    SubnetSize: 0,
    DataPathPort: 0,
    JoinInProgress: config.JoinInProgress,
  };
  await writeFileAtomic(startConfigPath(swarmDir), JSON.stringify(moby), 0o600);
}

import { join } from "node:path";
import type { TlsRole } from "../ca/credentials.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { readTextOrNull } from "./state-file.ts";

/**
 * `<state-dir>/swarm/node-role`: the role the node runs as, written when a
 * promotion or demotion changes it. A certificate is not yet reissued on a role
 * change (its OU keeps the role it was issued with), so a restart reads the role
 * from here when present, from the certificate otherwise. Goes away with
 * certificate renewal on role change (issue 10 item 4).
 */
export const ROLE_FILE = "node-role";

const ROLES: readonly string[] = ["swarm-manager", "swarm-worker"] satisfies TlsRole[];

export async function writeNodeRole(swarmDir: string, role: TlsRole): Promise<void> {
  await writeFileAtomic(join(swarmDir, ROLE_FILE), `${role}\n`, 0o600);
}

/** The role kept by the last role change; null when none is (or the file does not name a role). */
export async function readNodeRole(swarmDir: string): Promise<TlsRole | null> {
  const text = (await readTextOrNull(join(swarmDir, ROLE_FILE)))?.trim();
  return text !== undefined && ROLES.includes(text) ? (text as TlsRole) : null;
}

import { readFile } from "node:fs/promises";

/** A state dir file that cannot be used: the message names the file and says why. */
export class StateDirError extends Error {
  readonly file: string;
  constructor(file: string, reason: string) {
    super(`invalid swarm state file ${file}: ${reason}`);
    this.name = "StateDirError";
    this.file = file;
  }
}

/** The file's text, or null when it does not exist; other read errors name the file. */
export async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new StateDirError(file, (e as Error).message);
  }
}

/** JSON.parse that names the file on failure. */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StateDirError(file, `not valid JSON (${(e as Error).message})`);
  }
}

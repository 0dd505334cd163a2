import { readFile } from "node:fs/promises";
import { errInvalidStateFile } from "./errors.ts";

/** The file's text, or null when it does not exist; other read errors name the file. */
export async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw errInvalidStateFile(file, (e as Error).message);
  }
}

/** JSON.parse that names the file on failure. */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errInvalidStateFile(file, `not valid JSON (${(e as Error).message})`);
  }
}

import { readFile } from "node:fs/promises";
import { rpcError } from "../rpc/status.ts";
import { parseScenario } from "./schema.ts";
import type { Scenario } from "./types.ts";

/** Reads and validates a scenario file; a missing file is NotFound, a bad one InvalidArgument. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === "ENOENT" ? "NotFound" : "InvalidArgument";
    throw rpcError(code, `scenario ${path}: cannot read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseScenario(text, path);
}

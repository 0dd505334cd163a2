import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * A directory tree as `find DIR -printf '%m %P'` shows it, sorted: "0700 ." for
 * the directory itself, then "MODE relative/path" for everything under it.
 */
export async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const mode = async (p: string) => ((await stat(p)).mode & 0o777).toString(8).padStart(4, "0");
  out.push(`${await mode(dir)} .`);
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      out.push(`${await mode(join(dir, path))} ${path}`);
      if (e.isDirectory()) await walk(path);
    }
  };
  await walk("");
  return out.sort((a, b) => (a.endsWith(" .") ? -1 : b.endsWith(" .") ? 1 : a.slice(5).localeCompare(b.slice(5))));
}

import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { TaskStartError } from "./task-controller.ts";

/**
 * Finds the program as execvp(3) does: a name with a slash is a path
 * (relative to the working directory), any other name is looked up in PATH.
 * Errors are worded as Go's exec.LookPath (what `docker service ps` shows for
 * a container whose program is missing), with the OS error code kept:
 *   exec: "nosuch": executable file not found in $PATH        (ENOENT)
 *   exec: "/no/such": stat /no/such: no such file or directory (ENOENT)
 *   exec: "/etc/passwd": permission denied                     (EACCES)
 */
export async function lookPath(program: string, path: string, workdir: string): Promise<string> {
  if (program === "") throw new TaskStartError('exec: "": executable file not found in $PATH', "ENOENT");
  if (program.includes("/")) {
    const file = isAbsolute(program) ? program : resolve(workdir, program);
    const why = await notExecutable(file);
    if (why === null) return file;
    const text = why === "ENOENT" ? `stat ${program}: no such file or directory` : "permission denied";
    throw new TaskStartError(`exec: "${program}": ${text}`, why);
  }
  let denied = false;
  for (const entry of path.split(":")) {
    const dir = entry === "" ? "." : entry;
    const file = join(isAbsolute(dir) ? dir : resolve(workdir, dir), program);
    const why = await notExecutable(file);
    if (why === null) return file;
    if (why === "EACCES") denied = true;
  }
  // execvp reports EACCES when a match existed but could not be run
  if (denied) throw new TaskStartError(`exec: "${program}": permission denied`, "EACCES");
  throw new TaskStartError(`exec: "${program}": executable file not found in $PATH`, "ENOENT");
}

/** null when the file is a regular file this process may execute, else why not. */
async function notExecutable(file: string): Promise<"ENOENT" | "EACCES" | null> {
  try {
    const st = await stat(file);
    if (!st.isFile()) return "EACCES";
    await access(file, constants.X_OK);
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EACCES" ? "EACCES" : "ENOENT";
  }
}

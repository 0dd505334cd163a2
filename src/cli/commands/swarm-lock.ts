import { createInterface } from "node:readline";
import type { Command } from "@commander-js/extra-typings";
import { isRpcError } from "../../rpc/status.ts";
import { globals, withDaemon } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";

/*
 * Autolock's commands (CLI: cli/command/swarm/unlock.go, unlock_key.go):
 * `swarm unlock` and `swarm unlock-key`, and the text `init --autolock` and
 * `update --autolock=true` print.
 */

/** docker/cli printUnlockCommand (nothing for an empty key). */
export function unlockCommandText(key: string): string {
  if (key === "") return "";
  return (
    "To unlock a swarm manager after it restarts, run the `swarmbus swarm unlock`\n" +
    `command and provide the following key:\n\n    ${key}\n\n` +
    "Please remember to store this key in a password manager, since without it you\n" +
    "will not be able to restart the manager.\n"
  );
}

type Call = Parameters<Parameters<typeof withDaemon>[1]>[0];

/** SwarmGetUnlockKey, wrapped as docker wraps its failure. */
export async function fetchUnlockKey(call: Call): Promise<string> {
  try {
    return (await call("swarm.unlock-key", {})).key;
  } catch (e) {
    throw new StatusError(`could not fetch unlock key: ${isRpcError(e) ? e.dockerText : String(e)}`);
  }
}

export function addSwarmUnlock(swarm: Command) {
  swarm
    .command("unlock")
    .description("Unlock swarm")
    .action(async (_opts, cmd) => {
      await withDaemon(globals(cmd), async (call) => {
        // docker asks for the key only when the node is locked.
        const state = (await call("info", {})).LocalNodeState;
        if (state === "inactive") throw new StatusError("Error: This node is not part of a swarm");
        if (state !== "locked") throw new StatusError("Error: swarm is not locked");
        await call("swarm.unlock", { key: await readKey("Please enter unlock key: ") });
      });
    });
}

export function addSwarmUnlockKey(swarm: Command) {
  swarm
    .command("unlock-key")
    .description("Manage the unlock key")
    .option("--rotate", "rotate unlock key")
    .option("-q, --quiet", "only display token")
    .action(async (opts, cmd) => {
      const out = await withDaemon(globals(cmd), async (call) => {
        let text = "";
        if (opts.rotate) {
          const { cluster } = await call("swarm.inspect", {});
          if (!cluster.Spec.EncryptionConfig.AutoLockManagers)
            throw new StatusError("cannot rotate because autolock is not turned on");
          await call("swarm.update", { rotateUnlockKey: true });
          if (!opts.quiet) text += "Successfully rotated manager unlock key.\n\n";
        }
        const key = await fetchUnlockKey(call);
        if (key === "") throw new StatusError("no unlock key is set");
        return text + (opts.quiet ? `${key}\n` : unlockCommandText(key));
      });
      process.stdout.write(out);
    });
}

/**
 * docker/cli readKey: on a terminal, the prompt and the key read without echo;
 * otherwise the first line of stdin, trimmed (how scripts pass it).
 */
async function readKey(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return (await firstLine(input)).trim();
  process.stdout.write(prompt);
  input.setRawMode(true);
  try {
    return await readHidden(input);
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stdout.write("\n");
  }
}

function firstLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, terminal: false });
    let line: string | null = null;
    rl.once("line", (l) => {
      line = l;
      rl.close();
    });
    rl.once("close", () => resolve(line ?? ""));
  });
}

/** A line typed in raw mode, not echoed (Go's term.ReadPassword): Enter ends it, Ctrl-C gives up. */
function readHidden(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(() => resolve(text));
        if (ch === "\u0003") return done(() => reject(new StatusError("", 130)));
        if (ch === "\u007f") text = text.slice(0, -1);
        else text += ch;
      }
    };
    const done = (settle: () => void) => {
      input.off("data", onData);
      settle();
    };
    input.on("data", onData);
    input.resume();
  });
}

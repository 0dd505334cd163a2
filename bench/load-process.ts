import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FromLoad, type LoadConfig, type ToLoad } from "./load-protocol.ts";

/** The checkout this file is in; a --before checkout's load process is its own bench/load-agents.ts. */
const ownCheckout = join(dirname(fileURLToPath(import.meta.url)), "..");

type MessageOf<T extends FromLoad["type"]> = Extract<FromLoad, { type: T }>;

/** The load process seen from the benchmark: typed messages both ways, bounded waits, a sure stop. */
export class LoadProcess {
  private readonly child: ChildProcess;
  private readonly inbox: FromLoad[] = [];
  private waiters: (() => void)[] = [];
  private exitCode: number | string | undefined;
  readonly exited: Promise<number | string>;

  constructor(
    cfg: LoadConfig,
    private readonly onProgress: (m: MessageOf<"progress">) => void,
    checkout = ownCheckout,
  ) {
    // cwd: tsx and the sources resolve in that checkout (its node_modules, its tsconfig).
    this.child = fork(join(checkout, "bench", "load-agents.ts"), [JSON.stringify(cfg)], {
      cwd: checkout,
      // --expose-gc: the load process collects its ramp-up's garbage before it reports every agent registered.
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitCode = code ?? signal ?? -1;
        this.wake();
        resolve(this.exitCode);
      });
    });
    this.child.on("message", (raw: unknown) => {
      const parsed = FromLoad.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === "progress") this.onProgress(parsed.data);
      else {
        this.inbox.push(parsed.data);
        this.wake();
      }
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(msg: ToLoad): void {
    if (this.child.connected) this.child.send(msg);
  }

  /** The next message of type `type`; rejects on a `failed` message, on exit, or after `timeoutMs`. */
  async next<T extends Exclude<FromLoad["type"], "progress">>(type: T, timeoutMs: number): Promise<MessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const failed = this.inbox.find((m) => m.type === "failed");
      if (failed && failed.type === "failed") throw new Error(`load process failed: ${failed.message}`);
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as MessageOf<T>;
      if (this.exitCode !== undefined) throw new Error(`load process exited (${this.exitCode}) before "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out after ${timeoutMs} ms waiting for the load process to report "${type}"`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Asks it to stop its agents and exit; SIGKILL after graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.send({ type: "stop" });
    const t = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(t);
  }
}

import { Code, type CodeNumber, RpcError } from "../../rpc/status.ts";
/**
 * What goes wrong with the Raft data on disk. The message always names the
 * file (and, for a WAL record, the byte offset) so an operator can look at it.
 * The project's one error type, code Unknown by default: what SwarmKit's plain
 * storage errors become on the wire.
 */
export class RaftStorageError extends RpcError {
  constructor(message: string, code: CodeNumber = Code.Unknown) {
    super(code, message);
    this.name = "RaftStorageError";
  }
}

/** `raft WAL <file>: corrupt record at offset <n>: <why>` */
export const corruptRecord = (file: string, offset: number, why: string): RaftStorageError =>
  new RaftStorageError(`raft WAL ${file}: corrupt record at offset ${offset}: ${why}`);

/** Where warnings go: pino's `log.warn(obj, msg)` shape. */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

export const stderrWarnLog: WarnLog = {
  warn(obj, msg) {
    process.stderr.write(`${JSON.stringify({ level: "warn", msg, ...obj })}\n`);
  },
};

/**
 * What goes wrong with the Raft data on disk. The message always names the
 * file (and, for a WAL record, the byte offset) so an operator can look at it.
 */
export class RaftStorageError extends Error {
  constructor(message: string) {
    super(message);
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

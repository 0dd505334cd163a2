export { RaftStorageError, type WarnLog } from "./errors.ts";
export { type PersistedState, RaftStorage, type RaftStorageOptions } from "./raft-storage.ts";
export type { WalStats } from "./wal.ts";

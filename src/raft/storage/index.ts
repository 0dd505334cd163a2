export { RaftStorageError, type WarnLog } from "./errors.ts";
export { fsyncDir, mkdirDurable, removeDurable, writeFileAtomic } from "./fs-durable.ts";
export { type PersistedState, RaftStorage, type RaftStorageOptions } from "./raft-storage.ts";
export { DEK_BYTES, generateDek } from "./record-cipher.ts";
export { nodeStorageFs, type StorageFile, type StorageFs } from "./storage-fs.ts";
export type { WalStats } from "./wal.ts";

/**
 * The KEK a node holds in memory while it runs (SK: the KeyReadWriter's
 * kekData, given by `swarm unlock` or made by `swarm init --autolock`, swapped
 * by a manager's KEK rotation). Never on disk. Kept per swarm dir, so that the
 * units that read or write the node key (the node's state dir, the manager's
 * Raft DEK, the KEK rotation) share it without passing it along; null while
 * autolock is off, and always on a worker.
 */
const keks = new Map<string, Buffer>();

export function kekOf(swarmDir: string): Buffer | null {
  return keks.get(swarmDir) ?? null;
}

export function setKek(swarmDir: string, kek: Buffer | null): void {
  if (kek) keks.set(swarmDir, Buffer.from(kek));
  else keks.delete(swarmDir);
}

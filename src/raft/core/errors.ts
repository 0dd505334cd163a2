/**
 * The core's errors, as etcd/raft names them. The shell maps them to
 * SwarmKit's texts (ErrLostLeadership, …); the core only says what happened.
 */
export class ErrProposalDropped extends Error {
  override name = "ErrProposalDropped";
  constructor(message = "raft proposal dropped") {
    super(message);
  }
}

export class ErrCompacted extends Error {
  override name = "ErrCompacted";
  constructor() {
    super("requested index is unavailable due to compaction");
  }
}

export class ErrSnapOutOfDate extends Error {
  override name = "ErrSnapOutOfDate";
  constructor() {
    super("requested index is older than the existing snapshot");
  }
}

export class ErrUnavailable extends Error {
  override name = "ErrUnavailable";
  constructor() {
    super("requested entry at index is unavailable");
  }
}

export class ErrSnapshotTemporarilyUnavailable extends Error {
  override name = "ErrSnapshotTemporarilyUnavailable";
  constructor() {
    super("snapshot is temporarily unavailable");
  }
}

/** A message type that only the core itself may step (MsgHup, MsgBeat, …) came from outside. */
export class ErrStepLocalMsg extends Error {
  override name = "ErrStepLocalMsg";
  constructor(type: string) {
    super(`raft: cannot step raft local message ${type}`);
  }
}

/** A broken invariant inside the core (etcd panics): a bug, never bad input alone. */
export class RaftInvariantError extends Error {
  override name = "RaftInvariantError";
}

/** A peer's message is malformed (e.g. MsgApp entries not contiguous): refused before it touches any state. */
export class ErrInvalidMessage extends Error {
  override name = "ErrInvalidMessage";
}

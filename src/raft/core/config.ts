import type { RaftId } from "../types.ts";
import type { LogStorage } from "./storage.ts";

export interface CoreConfig {
  id: RaftId;
  /** Ticks without a leader before a follower campaigns (randomized in [electionTick, 2·electionTick)). SwarmKit: 10. */
  electionTick: number;
  /** Ticks between leader heartbeats. SwarmKit: 1. */
  heartbeatTick: number;
  /** Pre-vote before bumping the term (true in swarmbus). */
  preVote: boolean;
  /** A leader that hears from no quorum for an election timeout steps down (SwarmKit: true). */
  checkQuorum: boolean;
  /** Bytes of entries per MsgApp (SwarmKit: math.MaxUint16). */
  maxSizePerMsg: number;
  /** MsgApp in flight per follower (SwarmKit: 256). */
  maxInflightMsgs: number;
  storage: LogStorage;
  /** [0,1), for the randomized election timeout: injected, so runs replay. */
  random: () => number;
  /** Last applied index on restart. */
  applied?: number;
}

import { profiles, type TimingProfile } from "../../../src/config/profile.ts";

/** Raft tick 20 ms: lost quorum and polling happen quickly; a call that names no deadline waits 1 s. */
export const quickRaftProfile: TimingProfile = { ...profiles.fast, raftTickMs: 20, requestTimeoutMs: 1_000 };

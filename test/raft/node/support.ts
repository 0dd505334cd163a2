// Moved to test/support/raft-cluster.ts; kept only for test/manager/control-bus/real-raft.test.ts
// until it imports from there.
export { enc, type Member, RaftCluster, testProfile } from "../../support/raft-cluster.ts";

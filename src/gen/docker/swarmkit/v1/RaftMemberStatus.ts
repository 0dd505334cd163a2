// Original file: proto/types.proto


// Original file: proto/types.proto

export const _docker_swarmkit_v1_RaftMemberStatus_Reachability = {
  UNKNOWN: 'UNKNOWN',
  UNREACHABLE: 'UNREACHABLE',
  REACHABLE: 'REACHABLE',
} as const;

export type _docker_swarmkit_v1_RaftMemberStatus_Reachability =
  | 'UNKNOWN'
  | 0
  | 'UNREACHABLE'
  | 1
  | 'REACHABLE'
  | 2

export type _docker_swarmkit_v1_RaftMemberStatus_Reachability__Output = typeof _docker_swarmkit_v1_RaftMemberStatus_Reachability[keyof typeof _docker_swarmkit_v1_RaftMemberStatus_Reachability]

export interface RaftMemberStatus {
  'leader'?: (boolean);
  'reachability'?: (_docker_swarmkit_v1_RaftMemberStatus_Reachability);
  'message'?: (string);
}

export interface RaftMemberStatus__Output {
  'leader': (boolean);
  'reachability': (_docker_swarmkit_v1_RaftMemberStatus_Reachability__Output);
  'message': (string);
}

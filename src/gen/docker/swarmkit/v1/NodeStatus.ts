// Original file: proto/types.proto


// Original file: proto/types.proto

export const _docker_swarmkit_v1_NodeStatus_State = {
  UNKNOWN: 'UNKNOWN',
  DOWN: 'DOWN',
  READY: 'READY',
  DISCONNECTED: 'DISCONNECTED',
} as const;

export type _docker_swarmkit_v1_NodeStatus_State =
  | 'UNKNOWN'
  | 0
  | 'DOWN'
  | 1
  | 'READY'
  | 2
  | 'DISCONNECTED'
  | 3

export type _docker_swarmkit_v1_NodeStatus_State__Output = typeof _docker_swarmkit_v1_NodeStatus_State[keyof typeof _docker_swarmkit_v1_NodeStatus_State]

export interface NodeStatus {
  'state'?: (_docker_swarmkit_v1_NodeStatus_State);
  'message'?: (string);
  'addr'?: (string);
}

export interface NodeStatus__Output {
  'state': (_docker_swarmkit_v1_NodeStatus_State__Output);
  'message': (string);
  'addr': (string);
}

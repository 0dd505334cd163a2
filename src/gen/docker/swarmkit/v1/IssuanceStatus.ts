// Original file: proto/types.proto


// Original file: proto/types.proto

export const _docker_swarmkit_v1_IssuanceStatus_State = {
  UNKNOWN: 'UNKNOWN',
  RENEW: 'RENEW',
  PENDING: 'PENDING',
  ISSUED: 'ISSUED',
  FAILED: 'FAILED',
  ROTATE: 'ROTATE',
} as const;

export type _docker_swarmkit_v1_IssuanceStatus_State =
  | 'UNKNOWN'
  | 0
  | 'RENEW'
  | 1
  | 'PENDING'
  | 2
  | 'ISSUED'
  | 3
  | 'FAILED'
  | 4
  | 'ROTATE'
  | 5

export type _docker_swarmkit_v1_IssuanceStatus_State__Output = typeof _docker_swarmkit_v1_IssuanceStatus_State[keyof typeof _docker_swarmkit_v1_IssuanceStatus_State]

export interface IssuanceStatus {
  'state'?: (_docker_swarmkit_v1_IssuanceStatus_State);
  'err'?: (string);
}

export interface IssuanceStatus__Output {
  'state': (_docker_swarmkit_v1_IssuanceStatus_State__Output);
  'err': (string);
}

// Original file: proto/types.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';

// Original file: proto/types.proto

export const _docker_swarmkit_v1_UpdateStatus_UpdateState = {
  UNKNOWN: 'UNKNOWN',
  UPDATING: 'UPDATING',
  PAUSED: 'PAUSED',
  COMPLETED: 'COMPLETED',
  ROLLBACK_STARTED: 'ROLLBACK_STARTED',
  ROLLBACK_PAUSED: 'ROLLBACK_PAUSED',
  ROLLBACK_COMPLETED: 'ROLLBACK_COMPLETED',
} as const;

export type _docker_swarmkit_v1_UpdateStatus_UpdateState =
  | 'UNKNOWN'
  | 0
  | 'UPDATING'
  | 1
  | 'PAUSED'
  | 2
  | 'COMPLETED'
  | 3
  | 'ROLLBACK_STARTED'
  | 4
  | 'ROLLBACK_PAUSED'
  | 5
  | 'ROLLBACK_COMPLETED'
  | 6

export type _docker_swarmkit_v1_UpdateStatus_UpdateState__Output = typeof _docker_swarmkit_v1_UpdateStatus_UpdateState[keyof typeof _docker_swarmkit_v1_UpdateStatus_UpdateState]

export interface UpdateStatus {
  'state'?: (_docker_swarmkit_v1_UpdateStatus_UpdateState);
  'started_at'?: (_google_protobuf_Timestamp | null);
  'completed_at'?: (_google_protobuf_Timestamp | null);
  'message'?: (string);
}

export interface UpdateStatus__Output {
  'state': (_docker_swarmkit_v1_UpdateStatus_UpdateState__Output);
  'started_at': (_google_protobuf_Timestamp__Output | null);
  'completed_at': (_google_protobuf_Timestamp__Output | null);
  'message': (string);
}

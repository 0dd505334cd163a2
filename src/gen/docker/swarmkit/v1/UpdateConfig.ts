// Original file: proto/types.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../../google/protobuf/Duration';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

export const _docker_swarmkit_v1_UpdateConfig_FailureAction = {
  PAUSE: 'PAUSE',
  CONTINUE: 'CONTINUE',
  ROLLBACK: 'ROLLBACK',
} as const;

export type _docker_swarmkit_v1_UpdateConfig_FailureAction =
  | 'PAUSE'
  | 0
  | 'CONTINUE'
  | 1
  | 'ROLLBACK'
  | 2

export type _docker_swarmkit_v1_UpdateConfig_FailureAction__Output = typeof _docker_swarmkit_v1_UpdateConfig_FailureAction[keyof typeof _docker_swarmkit_v1_UpdateConfig_FailureAction]

// Original file: proto/types.proto

export const _docker_swarmkit_v1_UpdateConfig_UpdateOrder = {
  STOP_FIRST: 'STOP_FIRST',
  START_FIRST: 'START_FIRST',
} as const;

export type _docker_swarmkit_v1_UpdateConfig_UpdateOrder =
  | 'STOP_FIRST'
  | 0
  | 'START_FIRST'
  | 1

export type _docker_swarmkit_v1_UpdateConfig_UpdateOrder__Output = typeof _docker_swarmkit_v1_UpdateConfig_UpdateOrder[keyof typeof _docker_swarmkit_v1_UpdateConfig_UpdateOrder]

export interface UpdateConfig {
  'parallelism'?: (number | string | Long);
  'delay'?: (_google_protobuf_Duration | null);
  'failure_action'?: (_docker_swarmkit_v1_UpdateConfig_FailureAction);
  'monitor'?: (_google_protobuf_Duration | null);
  'max_failure_ratio'?: (number | string);
  'order'?: (_docker_swarmkit_v1_UpdateConfig_UpdateOrder);
}

export interface UpdateConfig__Output {
  'parallelism': (string);
  'delay': (_google_protobuf_Duration__Output | null);
  'failure_action': (_docker_swarmkit_v1_UpdateConfig_FailureAction__Output);
  'monitor': (_google_protobuf_Duration__Output | null);
  'max_failure_ratio': (number);
  'order': (_docker_swarmkit_v1_UpdateConfig_UpdateOrder__Output);
}

// Original file: proto/types.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';
import type { TaskState as _docker_swarmkit_v1_TaskState, TaskState__Output as _docker_swarmkit_v1_TaskState__Output } from '../../../docker/swarmkit/v1/TaskState';
import type { ContainerStatus as _docker_swarmkit_v1_ContainerStatus, ContainerStatus__Output as _docker_swarmkit_v1_ContainerStatus__Output } from '../../../docker/swarmkit/v1/ContainerStatus';

export interface TaskStatus {
  'timestamp'?: (_google_protobuf_Timestamp | null);
  'state'?: (_docker_swarmkit_v1_TaskState);
  'message'?: (string);
  'err'?: (string);
  'container'?: (_docker_swarmkit_v1_ContainerStatus | null);
  'applied_by'?: (string);
  'applied_at'?: (_google_protobuf_Timestamp | null);
  'runtime_status'?: "container";
}

export interface TaskStatus__Output {
  'timestamp': (_google_protobuf_Timestamp__Output | null);
  'state': (_docker_swarmkit_v1_TaskState__Output);
  'message': (string);
  'err': (string);
  'container'?: (_docker_swarmkit_v1_ContainerStatus__Output | null);
  'applied_by': (string);
  'applied_at': (_google_protobuf_Timestamp__Output | null);
  'runtime_status'?: "container";
}

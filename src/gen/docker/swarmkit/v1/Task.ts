// Original file: proto/types.proto

import type { Meta as _docker_swarmkit_v1_Meta, Meta__Output as _docker_swarmkit_v1_Meta__Output } from '../../../docker/swarmkit/v1/Meta';
import type { TaskSpec as _docker_swarmkit_v1_TaskSpec, TaskSpec__Output as _docker_swarmkit_v1_TaskSpec__Output } from '../../../docker/swarmkit/v1/TaskSpec';
import type { Annotations as _docker_swarmkit_v1_Annotations, Annotations__Output as _docker_swarmkit_v1_Annotations__Output } from '../../../docker/swarmkit/v1/Annotations';
import type { TaskStatus as _docker_swarmkit_v1_TaskStatus, TaskStatus__Output as _docker_swarmkit_v1_TaskStatus__Output } from '../../../docker/swarmkit/v1/TaskStatus';
import type { TaskState as _docker_swarmkit_v1_TaskState, TaskState__Output as _docker_swarmkit_v1_TaskState__Output } from '../../../docker/swarmkit/v1/TaskState';
import type { Version as _docker_swarmkit_v1_Version, Version__Output as _docker_swarmkit_v1_Version__Output } from '../../../docker/swarmkit/v1/Version';
import type { Long } from '@grpc/proto-loader';

export interface Task {
  'id'?: (string);
  'meta'?: (_docker_swarmkit_v1_Meta | null);
  'spec'?: (_docker_swarmkit_v1_TaskSpec | null);
  'service_id'?: (string);
  'slot'?: (number | string | Long);
  'node_id'?: (string);
  'annotations'?: (_docker_swarmkit_v1_Annotations | null);
  'service_annotations'?: (_docker_swarmkit_v1_Annotations | null);
  'status'?: (_docker_swarmkit_v1_TaskStatus | null);
  'desired_state'?: (_docker_swarmkit_v1_TaskState);
  'spec_version'?: (_docker_swarmkit_v1_Version | null);
}

export interface Task__Output {
  'id': (string);
  'meta': (_docker_swarmkit_v1_Meta__Output | null);
  'spec': (_docker_swarmkit_v1_TaskSpec__Output | null);
  'service_id': (string);
  'slot': (string);
  'node_id': (string);
  'annotations': (_docker_swarmkit_v1_Annotations__Output | null);
  'service_annotations': (_docker_swarmkit_v1_Annotations__Output | null);
  'status': (_docker_swarmkit_v1_TaskStatus__Output | null);
  'desired_state': (_docker_swarmkit_v1_TaskState__Output);
  'spec_version': (_docker_swarmkit_v1_Version__Output | null);
}

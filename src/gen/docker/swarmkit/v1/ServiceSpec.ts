// Original file: proto/types.proto

import type { Annotations as _docker_swarmkit_v1_Annotations, Annotations__Output as _docker_swarmkit_v1_Annotations__Output } from '../../../docker/swarmkit/v1/Annotations';
import type { TaskSpec as _docker_swarmkit_v1_TaskSpec, TaskSpec__Output as _docker_swarmkit_v1_TaskSpec__Output } from '../../../docker/swarmkit/v1/TaskSpec';
import type { ReplicatedService as _docker_swarmkit_v1_ReplicatedService, ReplicatedService__Output as _docker_swarmkit_v1_ReplicatedService__Output } from '../../../docker/swarmkit/v1/ReplicatedService';
import type { GlobalService as _docker_swarmkit_v1_GlobalService, GlobalService__Output as _docker_swarmkit_v1_GlobalService__Output } from '../../../docker/swarmkit/v1/GlobalService';
import type { UpdateConfig as _docker_swarmkit_v1_UpdateConfig, UpdateConfig__Output as _docker_swarmkit_v1_UpdateConfig__Output } from '../../../docker/swarmkit/v1/UpdateConfig';

export interface ServiceSpec {
  'annotations'?: (_docker_swarmkit_v1_Annotations | null);
  'task'?: (_docker_swarmkit_v1_TaskSpec | null);
  'replicated'?: (_docker_swarmkit_v1_ReplicatedService | null);
  'global'?: (_docker_swarmkit_v1_GlobalService | null);
  'update'?: (_docker_swarmkit_v1_UpdateConfig | null);
  'rollback'?: (_docker_swarmkit_v1_UpdateConfig | null);
  'mode'?: "replicated"|"global";
}

export interface ServiceSpec__Output {
  'annotations': (_docker_swarmkit_v1_Annotations__Output | null);
  'task': (_docker_swarmkit_v1_TaskSpec__Output | null);
  'replicated'?: (_docker_swarmkit_v1_ReplicatedService__Output | null);
  'global'?: (_docker_swarmkit_v1_GlobalService__Output | null);
  'update': (_docker_swarmkit_v1_UpdateConfig__Output | null);
  'rollback': (_docker_swarmkit_v1_UpdateConfig__Output | null);
  'mode'?: "replicated"|"global";
}

// Original file: proto/types.proto

import type { ContainerSpec as _docker_swarmkit_v1_ContainerSpec, ContainerSpec__Output as _docker_swarmkit_v1_ContainerSpec__Output } from '../../../docker/swarmkit/v1/ContainerSpec';
import type { ResourceRequirements as _docker_swarmkit_v1_ResourceRequirements, ResourceRequirements__Output as _docker_swarmkit_v1_ResourceRequirements__Output } from '../../../docker/swarmkit/v1/ResourceRequirements';
import type { RestartPolicy as _docker_swarmkit_v1_RestartPolicy, RestartPolicy__Output as _docker_swarmkit_v1_RestartPolicy__Output } from '../../../docker/swarmkit/v1/RestartPolicy';
import type { Placement as _docker_swarmkit_v1_Placement, Placement__Output as _docker_swarmkit_v1_Placement__Output } from '../../../docker/swarmkit/v1/Placement';
import type { Long } from '@grpc/proto-loader';

export interface TaskSpec {
  'container'?: (_docker_swarmkit_v1_ContainerSpec | null);
  'resources'?: (_docker_swarmkit_v1_ResourceRequirements | null);
  'restart'?: (_docker_swarmkit_v1_RestartPolicy | null);
  'placement'?: (_docker_swarmkit_v1_Placement | null);
  'force_update'?: (number | string | Long);
  'runtime'?: "container";
}

export interface TaskSpec__Output {
  'container'?: (_docker_swarmkit_v1_ContainerSpec__Output | null);
  'resources': (_docker_swarmkit_v1_ResourceRequirements__Output | null);
  'restart': (_docker_swarmkit_v1_RestartPolicy__Output | null);
  'placement': (_docker_swarmkit_v1_Placement__Output | null);
  'force_update': (string);
  'runtime'?: "container";
}

// Original file: proto/types.proto

import type { Resources as _docker_swarmkit_v1_Resources, Resources__Output as _docker_swarmkit_v1_Resources__Output } from '../../../docker/swarmkit/v1/Resources';

export interface ResourceRequirements {
  'limits'?: (_docker_swarmkit_v1_Resources | null);
  'reservations'?: (_docker_swarmkit_v1_Resources | null);
}

export interface ResourceRequirements__Output {
  'limits': (_docker_swarmkit_v1_Resources__Output | null);
  'reservations': (_docker_swarmkit_v1_Resources__Output | null);
}

// Original file: proto/types.proto

import type { Annotations as _docker_swarmkit_v1_Annotations, Annotations__Output as _docker_swarmkit_v1_Annotations__Output } from '../../../docker/swarmkit/v1/Annotations';
import type { NodeRole as _docker_swarmkit_v1_NodeRole, NodeRole__Output as _docker_swarmkit_v1_NodeRole__Output } from '../../../docker/swarmkit/v1/NodeRole';

// Original file: proto/types.proto

export const _docker_swarmkit_v1_NodeSpec_Availability = {
  ACTIVE: 'ACTIVE',
  PAUSE: 'PAUSE',
  DRAIN: 'DRAIN',
} as const;

export type _docker_swarmkit_v1_NodeSpec_Availability =
  | 'ACTIVE'
  | 0
  | 'PAUSE'
  | 1
  | 'DRAIN'
  | 2

export type _docker_swarmkit_v1_NodeSpec_Availability__Output = typeof _docker_swarmkit_v1_NodeSpec_Availability[keyof typeof _docker_swarmkit_v1_NodeSpec_Availability]

// Original file: proto/types.proto

export const _docker_swarmkit_v1_NodeSpec_Membership = {
  PENDING: 'PENDING',
  ACCEPTED: 'ACCEPTED',
} as const;

export type _docker_swarmkit_v1_NodeSpec_Membership =
  | 'PENDING'
  | 0
  | 'ACCEPTED'
  | 1

export type _docker_swarmkit_v1_NodeSpec_Membership__Output = typeof _docker_swarmkit_v1_NodeSpec_Membership[keyof typeof _docker_swarmkit_v1_NodeSpec_Membership]

export interface NodeSpec {
  'annotations'?: (_docker_swarmkit_v1_Annotations | null);
  'desired_role'?: (_docker_swarmkit_v1_NodeRole);
  'membership'?: (_docker_swarmkit_v1_NodeSpec_Membership);
  'availability'?: (_docker_swarmkit_v1_NodeSpec_Availability);
}

export interface NodeSpec__Output {
  'annotations': (_docker_swarmkit_v1_Annotations__Output | null);
  'desired_role': (_docker_swarmkit_v1_NodeRole__Output);
  'membership': (_docker_swarmkit_v1_NodeSpec_Membership__Output);
  'availability': (_docker_swarmkit_v1_NodeSpec_Availability__Output);
}

// Original file: proto/types.proto

import type { Meta as _docker_swarmkit_v1_Meta, Meta__Output as _docker_swarmkit_v1_Meta__Output } from '../../../docker/swarmkit/v1/Meta';
import type { NodeSpec as _docker_swarmkit_v1_NodeSpec, NodeSpec__Output as _docker_swarmkit_v1_NodeSpec__Output } from '../../../docker/swarmkit/v1/NodeSpec';
import type { NodeDescription as _docker_swarmkit_v1_NodeDescription, NodeDescription__Output as _docker_swarmkit_v1_NodeDescription__Output } from '../../../docker/swarmkit/v1/NodeDescription';
import type { NodeStatus as _docker_swarmkit_v1_NodeStatus, NodeStatus__Output as _docker_swarmkit_v1_NodeStatus__Output } from '../../../docker/swarmkit/v1/NodeStatus';
import type { ManagerStatus as _docker_swarmkit_v1_ManagerStatus, ManagerStatus__Output as _docker_swarmkit_v1_ManagerStatus__Output } from '../../../docker/swarmkit/v1/ManagerStatus';
import type { Certificate as _docker_swarmkit_v1_Certificate, Certificate__Output as _docker_swarmkit_v1_Certificate__Output } from '../../../docker/swarmkit/v1/Certificate';
import type { NodeRole as _docker_swarmkit_v1_NodeRole, NodeRole__Output as _docker_swarmkit_v1_NodeRole__Output } from '../../../docker/swarmkit/v1/NodeRole';

export interface Node {
  'id'?: (string);
  'meta'?: (_docker_swarmkit_v1_Meta | null);
  'spec'?: (_docker_swarmkit_v1_NodeSpec | null);
  'description'?: (_docker_swarmkit_v1_NodeDescription | null);
  'status'?: (_docker_swarmkit_v1_NodeStatus | null);
  'manager_status'?: (_docker_swarmkit_v1_ManagerStatus | null);
  'certificate'?: (_docker_swarmkit_v1_Certificate | null);
  'role'?: (_docker_swarmkit_v1_NodeRole);
}

export interface Node__Output {
  'id': (string);
  'meta': (_docker_swarmkit_v1_Meta__Output | null);
  'spec': (_docker_swarmkit_v1_NodeSpec__Output | null);
  'description': (_docker_swarmkit_v1_NodeDescription__Output | null);
  'status': (_docker_swarmkit_v1_NodeStatus__Output | null);
  'manager_status': (_docker_swarmkit_v1_ManagerStatus__Output | null);
  'certificate': (_docker_swarmkit_v1_Certificate__Output | null);
  'role': (_docker_swarmkit_v1_NodeRole__Output);
}

// Original file: proto/dispatcher.proto

import type { NodeDescription as _docker_swarmkit_v1_NodeDescription, NodeDescription__Output as _docker_swarmkit_v1_NodeDescription__Output } from '../../../docker/swarmkit/v1/NodeDescription';

export interface SessionRequest {
  'description'?: (_docker_swarmkit_v1_NodeDescription | null);
  'session_id'?: (string);
}

export interface SessionRequest__Output {
  'description': (_docker_swarmkit_v1_NodeDescription__Output | null);
  'session_id': (string);
}

// Original file: proto/ca.proto

import type { NodeRole as _docker_swarmkit_v1_NodeRole, NodeRole__Output as _docker_swarmkit_v1_NodeRole__Output } from '../../../docker/swarmkit/v1/NodeRole';
import type { _docker_swarmkit_v1_NodeSpec_Availability, _docker_swarmkit_v1_NodeSpec_Availability__Output } from '../../../docker/swarmkit/v1/NodeSpec';

export interface IssueNodeCertificateRequest {
  'role'?: (_docker_swarmkit_v1_NodeRole);
  'csr'?: (Buffer | Uint8Array | string);
  'token'?: (string);
  'availability'?: (_docker_swarmkit_v1_NodeSpec_Availability);
  'nats_user_key'?: (string);
}

export interface IssueNodeCertificateRequest__Output {
  'role': (_docker_swarmkit_v1_NodeRole__Output);
  'csr': (Buffer);
  'token': (string);
  'availability': (_docker_swarmkit_v1_NodeSpec_Availability__Output);
  'nats_user_key': (string);
}

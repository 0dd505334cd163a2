// Original file: proto/types.proto

import type { Peer as _docker_swarmkit_v1_Peer, Peer__Output as _docker_swarmkit_v1_Peer__Output } from '../../../docker/swarmkit/v1/Peer';
import type { Long } from '@grpc/proto-loader';

export interface WeightedPeer {
  'peer'?: (_docker_swarmkit_v1_Peer | null);
  'weight'?: (number | string | Long);
}

export interface WeightedPeer__Output {
  'peer': (_docker_swarmkit_v1_Peer__Output | null);
  'weight': (string);
}

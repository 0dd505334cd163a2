// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicatedService {
  'replicas'?: (number | string | Long);
}

export interface ReplicatedService__Output {
  'replicas': (string);
}

// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

export interface Resources {
  'nano_cpus'?: (number | string | Long);
  'memory_bytes'?: (number | string | Long);
}

export interface Resources__Output {
  'nano_cpus': (string);
  'memory_bytes': (string);
}

// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

export interface Version {
  'index'?: (number | string | Long);
}

export interface Version__Output {
  'index': (string);
}

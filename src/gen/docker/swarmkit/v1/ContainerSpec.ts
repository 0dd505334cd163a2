// Original file: proto/types.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../../google/protobuf/Duration';

export interface ContainerSpec {
  'image'?: (string);
  'labels'?: ({[key: string]: string});
  'command'?: (string)[];
  'args'?: (string)[];
  'env'?: (string)[];
  'dir'?: (string);
  'user'?: (string);
  'stop_grace_period'?: (_google_protobuf_Duration | null);
  'hostname'?: (string);
  'stop_signal'?: (string);
}

export interface ContainerSpec__Output {
  'image': (string);
  'labels': ({[key: string]: string});
  'command': (string)[];
  'args': (string)[];
  'env': (string)[];
  'dir': (string);
  'user': (string);
  'stop_grace_period': (_google_protobuf_Duration__Output | null);
  'hostname': (string);
  'stop_signal': (string);
}

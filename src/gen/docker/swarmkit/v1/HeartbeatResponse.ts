// Original file: proto/dispatcher.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../../google/protobuf/Duration';

export interface HeartbeatResponse {
  'period'?: (_google_protobuf_Duration | null);
}

export interface HeartbeatResponse__Output {
  'period': (_google_protobuf_Duration__Output | null);
}

// Original file: proto/dispatcher.proto


export interface HeartbeatRequest {
  'session_id'?: (string);
}

export interface HeartbeatRequest__Output {
  'session_id': (string);
}

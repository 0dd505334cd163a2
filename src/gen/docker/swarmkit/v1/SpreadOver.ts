// Original file: proto/types.proto


export interface SpreadOver {
  'spread_descriptor'?: (string);
}

export interface SpreadOver__Output {
  'spread_descriptor': (string);
}

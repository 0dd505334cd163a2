// Original file: proto/types.proto


export interface EngineDescription {
  'engine_version'?: (string);
  'labels'?: ({[key: string]: string});
}

export interface EngineDescription__Output {
  'engine_version': (string);
  'labels': ({[key: string]: string});
}

// Original file: proto/types.proto


export interface _docker_swarmkit_v1_TaskSpec_Container {
  'image'?: (string);
  'command'?: (string)[];
  'args'?: (string)[];
  'env'?: (string)[];
}

export interface _docker_swarmkit_v1_TaskSpec_Container__Output {
  'image': (string);
  'command': (string)[];
  'args': (string)[];
  'env': (string)[];
}

export interface TaskSpec {
  'container'?: (_docker_swarmkit_v1_TaskSpec_Container | null);
  'runtime'?: "container";
}

export interface TaskSpec__Output {
  'container'?: (_docker_swarmkit_v1_TaskSpec_Container__Output | null);
  'runtime'?: "container";
}

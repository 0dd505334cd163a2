// Original file: proto/types.proto


export interface ContainerStatus {
  'container_id'?: (string);
  'pid'?: (number);
  'exit_code'?: (number);
}

export interface ContainerStatus__Output {
  'container_id': (string);
  'pid': (number);
  'exit_code': (number);
}

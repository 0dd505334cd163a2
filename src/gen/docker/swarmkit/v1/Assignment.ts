// Original file: proto/dispatcher.proto

import type { Task as _docker_swarmkit_v1_Task, Task__Output as _docker_swarmkit_v1_Task__Output } from '../../../docker/swarmkit/v1/Task';

export interface Assignment {
  'task'?: (_docker_swarmkit_v1_Task | null);
  'item'?: "task";
}

export interface Assignment__Output {
  'task'?: (_docker_swarmkit_v1_Task__Output | null);
  'item'?: "task";
}

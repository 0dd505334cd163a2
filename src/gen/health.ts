import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { HealthClient as _docker_swarmkit_v1_HealthClient, HealthDefinition as _docker_swarmkit_v1_HealthDefinition } from './docker/swarmkit/v1/Health';
import type { HealthCheckRequest as _docker_swarmkit_v1_HealthCheckRequest, HealthCheckRequest__Output as _docker_swarmkit_v1_HealthCheckRequest__Output } from './docker/swarmkit/v1/HealthCheckRequest';
import type { HealthCheckResponse as _docker_swarmkit_v1_HealthCheckResponse, HealthCheckResponse__Output as _docker_swarmkit_v1_HealthCheckResponse__Output } from './docker/swarmkit/v1/HealthCheckResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  docker: {
    swarmkit: {
      v1: {
        Health: SubtypeConstructor<typeof grpc.Client, _docker_swarmkit_v1_HealthClient> & { service: _docker_swarmkit_v1_HealthDefinition }
        HealthCheckRequest: MessageTypeDefinition<_docker_swarmkit_v1_HealthCheckRequest, _docker_swarmkit_v1_HealthCheckRequest__Output>
        HealthCheckResponse: MessageTypeDefinition<_docker_swarmkit_v1_HealthCheckResponse, _docker_swarmkit_v1_HealthCheckResponse__Output>
      }
    }
  }
}


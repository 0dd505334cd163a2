// Original file: proto/health.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HealthCheckRequest as _docker_swarmkit_v1_HealthCheckRequest, HealthCheckRequest__Output as _docker_swarmkit_v1_HealthCheckRequest__Output } from '../../../docker/swarmkit/v1/HealthCheckRequest';
import type { HealthCheckResponse as _docker_swarmkit_v1_HealthCheckResponse, HealthCheckResponse__Output as _docker_swarmkit_v1_HealthCheckResponse__Output } from '../../../docker/swarmkit/v1/HealthCheckResponse';

export interface HealthClient extends grpc.Client {
  Check(argument: _docker_swarmkit_v1_HealthCheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  Check(argument: _docker_swarmkit_v1_HealthCheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  Check(argument: _docker_swarmkit_v1_HealthCheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  Check(argument: _docker_swarmkit_v1_HealthCheckRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _docker_swarmkit_v1_HealthCheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _docker_swarmkit_v1_HealthCheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _docker_swarmkit_v1_HealthCheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _docker_swarmkit_v1_HealthCheckRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface HealthHandlers extends grpc.UntypedServiceImplementation {
  Check: grpc.handleUnaryCall<_docker_swarmkit_v1_HealthCheckRequest__Output, _docker_swarmkit_v1_HealthCheckResponse>;
  
}

export interface HealthDefinition extends grpc.ServiceDefinition {
  Check: MethodDefinition<_docker_swarmkit_v1_HealthCheckRequest, _docker_swarmkit_v1_HealthCheckResponse, _docker_swarmkit_v1_HealthCheckRequest__Output, _docker_swarmkit_v1_HealthCheckResponse__Output>
}

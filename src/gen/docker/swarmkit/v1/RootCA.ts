// Original file: proto/ca.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetRootCACertificateRequest as _docker_swarmkit_v1_GetRootCACertificateRequest, GetRootCACertificateRequest__Output as _docker_swarmkit_v1_GetRootCACertificateRequest__Output } from '../../../docker/swarmkit/v1/GetRootCACertificateRequest';
import type { GetRootCACertificateResponse as _docker_swarmkit_v1_GetRootCACertificateResponse, GetRootCACertificateResponse__Output as _docker_swarmkit_v1_GetRootCACertificateResponse__Output } from '../../../docker/swarmkit/v1/GetRootCACertificateResponse';

export interface RootCAClient extends grpc.Client {
  GetRootCACertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  GetRootCACertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  GetRootCACertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  GetRootCACertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _docker_swarmkit_v1_GetRootCACertificateRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RootCAHandlers extends grpc.UntypedServiceImplementation {
  GetRootCACertificate: grpc.handleUnaryCall<_docker_swarmkit_v1_GetRootCACertificateRequest__Output, _docker_swarmkit_v1_GetRootCACertificateResponse>;
  
}

export interface RootCADefinition extends grpc.ServiceDefinition {
  GetRootCACertificate: MethodDefinition<_docker_swarmkit_v1_GetRootCACertificateRequest, _docker_swarmkit_v1_GetRootCACertificateResponse, _docker_swarmkit_v1_GetRootCACertificateRequest__Output, _docker_swarmkit_v1_GetRootCACertificateResponse__Output>
}

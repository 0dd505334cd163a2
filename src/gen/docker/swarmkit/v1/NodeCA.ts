// Original file: proto/ca.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { IssueNodeCertificateRequest as _docker_swarmkit_v1_IssueNodeCertificateRequest, IssueNodeCertificateRequest__Output as _docker_swarmkit_v1_IssueNodeCertificateRequest__Output } from '../../../docker/swarmkit/v1/IssueNodeCertificateRequest';
import type { IssueNodeCertificateResponse as _docker_swarmkit_v1_IssueNodeCertificateResponse, IssueNodeCertificateResponse__Output as _docker_swarmkit_v1_IssueNodeCertificateResponse__Output } from '../../../docker/swarmkit/v1/IssueNodeCertificateResponse';
import type { NodeCertificateStatusRequest as _docker_swarmkit_v1_NodeCertificateStatusRequest, NodeCertificateStatusRequest__Output as _docker_swarmkit_v1_NodeCertificateStatusRequest__Output } from '../../../docker/swarmkit/v1/NodeCertificateStatusRequest';
import type { NodeCertificateStatusResponse as _docker_swarmkit_v1_NodeCertificateStatusResponse, NodeCertificateStatusResponse__Output as _docker_swarmkit_v1_NodeCertificateStatusResponse__Output } from '../../../docker/swarmkit/v1/NodeCertificateStatusResponse';

export interface NodeCAClient extends grpc.Client {
  IssueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  IssueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  IssueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  IssueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _docker_swarmkit_v1_IssueNodeCertificateRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  
  NodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  NodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  NodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  NodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  nodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  nodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  nodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  nodeCertificateStatus(argument: _docker_swarmkit_v1_NodeCertificateStatusRequest, callback: grpc.requestCallback<_docker_swarmkit_v1_NodeCertificateStatusResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeCAHandlers extends grpc.UntypedServiceImplementation {
  IssueNodeCertificate: grpc.handleUnaryCall<_docker_swarmkit_v1_IssueNodeCertificateRequest__Output, _docker_swarmkit_v1_IssueNodeCertificateResponse>;
  
  NodeCertificateStatus: grpc.handleUnaryCall<_docker_swarmkit_v1_NodeCertificateStatusRequest__Output, _docker_swarmkit_v1_NodeCertificateStatusResponse>;
  
}

export interface NodeCADefinition extends grpc.ServiceDefinition {
  IssueNodeCertificate: MethodDefinition<_docker_swarmkit_v1_IssueNodeCertificateRequest, _docker_swarmkit_v1_IssueNodeCertificateResponse, _docker_swarmkit_v1_IssueNodeCertificateRequest__Output, _docker_swarmkit_v1_IssueNodeCertificateResponse__Output>
  NodeCertificateStatus: MethodDefinition<_docker_swarmkit_v1_NodeCertificateStatusRequest, _docker_swarmkit_v1_NodeCertificateStatusResponse, _docker_swarmkit_v1_NodeCertificateStatusRequest__Output, _docker_swarmkit_v1_NodeCertificateStatusResponse__Output>
}

import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Annotations as _docker_swarmkit_v1_Annotations, Annotations__Output as _docker_swarmkit_v1_Annotations__Output } from './docker/swarmkit/v1/Annotations';
import type { Assignment as _docker_swarmkit_v1_Assignment, Assignment__Output as _docker_swarmkit_v1_Assignment__Output } from './docker/swarmkit/v1/Assignment';
import type { AssignmentChange as _docker_swarmkit_v1_AssignmentChange, AssignmentChange__Output as _docker_swarmkit_v1_AssignmentChange__Output } from './docker/swarmkit/v1/AssignmentChange';
import type { AssignmentsMessage as _docker_swarmkit_v1_AssignmentsMessage, AssignmentsMessage__Output as _docker_swarmkit_v1_AssignmentsMessage__Output } from './docker/swarmkit/v1/AssignmentsMessage';
import type { AssignmentsRequest as _docker_swarmkit_v1_AssignmentsRequest, AssignmentsRequest__Output as _docker_swarmkit_v1_AssignmentsRequest__Output } from './docker/swarmkit/v1/AssignmentsRequest';
import type { Certificate as _docker_swarmkit_v1_Certificate, Certificate__Output as _docker_swarmkit_v1_Certificate__Output } from './docker/swarmkit/v1/Certificate';
import type { ContainerSpec as _docker_swarmkit_v1_ContainerSpec, ContainerSpec__Output as _docker_swarmkit_v1_ContainerSpec__Output } from './docker/swarmkit/v1/ContainerSpec';
import type { ContainerStatus as _docker_swarmkit_v1_ContainerStatus, ContainerStatus__Output as _docker_swarmkit_v1_ContainerStatus__Output } from './docker/swarmkit/v1/ContainerStatus';
import type { DispatcherClient as _docker_swarmkit_v1_DispatcherClient, DispatcherDefinition as _docker_swarmkit_v1_DispatcherDefinition } from './docker/swarmkit/v1/Dispatcher';
import type { EncryptionKey as _docker_swarmkit_v1_EncryptionKey, EncryptionKey__Output as _docker_swarmkit_v1_EncryptionKey__Output } from './docker/swarmkit/v1/EncryptionKey';
import type { EngineDescription as _docker_swarmkit_v1_EngineDescription, EngineDescription__Output as _docker_swarmkit_v1_EngineDescription__Output } from './docker/swarmkit/v1/EngineDescription';
import type { GlobalService as _docker_swarmkit_v1_GlobalService, GlobalService__Output as _docker_swarmkit_v1_GlobalService__Output } from './docker/swarmkit/v1/GlobalService';
import type { HeartbeatRequest as _docker_swarmkit_v1_HeartbeatRequest, HeartbeatRequest__Output as _docker_swarmkit_v1_HeartbeatRequest__Output } from './docker/swarmkit/v1/HeartbeatRequest';
import type { HeartbeatResponse as _docker_swarmkit_v1_HeartbeatResponse, HeartbeatResponse__Output as _docker_swarmkit_v1_HeartbeatResponse__Output } from './docker/swarmkit/v1/HeartbeatResponse';
import type { IssuanceStatus as _docker_swarmkit_v1_IssuanceStatus, IssuanceStatus__Output as _docker_swarmkit_v1_IssuanceStatus__Output } from './docker/swarmkit/v1/IssuanceStatus';
import type { ManagerStatus as _docker_swarmkit_v1_ManagerStatus, ManagerStatus__Output as _docker_swarmkit_v1_ManagerStatus__Output } from './docker/swarmkit/v1/ManagerStatus';
import type { Meta as _docker_swarmkit_v1_Meta, Meta__Output as _docker_swarmkit_v1_Meta__Output } from './docker/swarmkit/v1/Meta';
import type { Node as _docker_swarmkit_v1_Node, Node__Output as _docker_swarmkit_v1_Node__Output } from './docker/swarmkit/v1/Node';
import type { NodeDescription as _docker_swarmkit_v1_NodeDescription, NodeDescription__Output as _docker_swarmkit_v1_NodeDescription__Output } from './docker/swarmkit/v1/NodeDescription';
import type { NodeSpec as _docker_swarmkit_v1_NodeSpec, NodeSpec__Output as _docker_swarmkit_v1_NodeSpec__Output } from './docker/swarmkit/v1/NodeSpec';
import type { NodeStatus as _docker_swarmkit_v1_NodeStatus, NodeStatus__Output as _docker_swarmkit_v1_NodeStatus__Output } from './docker/swarmkit/v1/NodeStatus';
import type { NodeTLSInfo as _docker_swarmkit_v1_NodeTLSInfo, NodeTLSInfo__Output as _docker_swarmkit_v1_NodeTLSInfo__Output } from './docker/swarmkit/v1/NodeTLSInfo';
import type { Peer as _docker_swarmkit_v1_Peer, Peer__Output as _docker_swarmkit_v1_Peer__Output } from './docker/swarmkit/v1/Peer';
import type { Placement as _docker_swarmkit_v1_Placement, Placement__Output as _docker_swarmkit_v1_Placement__Output } from './docker/swarmkit/v1/Placement';
import type { PlacementPreference as _docker_swarmkit_v1_PlacementPreference, PlacementPreference__Output as _docker_swarmkit_v1_PlacementPreference__Output } from './docker/swarmkit/v1/PlacementPreference';
import type { Platform as _docker_swarmkit_v1_Platform, Platform__Output as _docker_swarmkit_v1_Platform__Output } from './docker/swarmkit/v1/Platform';
import type { RaftMemberStatus as _docker_swarmkit_v1_RaftMemberStatus, RaftMemberStatus__Output as _docker_swarmkit_v1_RaftMemberStatus__Output } from './docker/swarmkit/v1/RaftMemberStatus';
import type { ReplicatedService as _docker_swarmkit_v1_ReplicatedService, ReplicatedService__Output as _docker_swarmkit_v1_ReplicatedService__Output } from './docker/swarmkit/v1/ReplicatedService';
import type { ResourceRequirements as _docker_swarmkit_v1_ResourceRequirements, ResourceRequirements__Output as _docker_swarmkit_v1_ResourceRequirements__Output } from './docker/swarmkit/v1/ResourceRequirements';
import type { Resources as _docker_swarmkit_v1_Resources, Resources__Output as _docker_swarmkit_v1_Resources__Output } from './docker/swarmkit/v1/Resources';
import type { RestartPolicy as _docker_swarmkit_v1_RestartPolicy, RestartPolicy__Output as _docker_swarmkit_v1_RestartPolicy__Output } from './docker/swarmkit/v1/RestartPolicy';
import type { Service as _docker_swarmkit_v1_Service, Service__Output as _docker_swarmkit_v1_Service__Output } from './docker/swarmkit/v1/Service';
import type { ServiceSpec as _docker_swarmkit_v1_ServiceSpec, ServiceSpec__Output as _docker_swarmkit_v1_ServiceSpec__Output } from './docker/swarmkit/v1/ServiceSpec';
import type { SessionMessage as _docker_swarmkit_v1_SessionMessage, SessionMessage__Output as _docker_swarmkit_v1_SessionMessage__Output } from './docker/swarmkit/v1/SessionMessage';
import type { SessionRequest as _docker_swarmkit_v1_SessionRequest, SessionRequest__Output as _docker_swarmkit_v1_SessionRequest__Output } from './docker/swarmkit/v1/SessionRequest';
import type { SpreadOver as _docker_swarmkit_v1_SpreadOver, SpreadOver__Output as _docker_swarmkit_v1_SpreadOver__Output } from './docker/swarmkit/v1/SpreadOver';
import type { Task as _docker_swarmkit_v1_Task, Task__Output as _docker_swarmkit_v1_Task__Output } from './docker/swarmkit/v1/Task';
import type { TaskSpec as _docker_swarmkit_v1_TaskSpec, TaskSpec__Output as _docker_swarmkit_v1_TaskSpec__Output } from './docker/swarmkit/v1/TaskSpec';
import type { TaskStatus as _docker_swarmkit_v1_TaskStatus, TaskStatus__Output as _docker_swarmkit_v1_TaskStatus__Output } from './docker/swarmkit/v1/TaskStatus';
import type { UpdateConfig as _docker_swarmkit_v1_UpdateConfig, UpdateConfig__Output as _docker_swarmkit_v1_UpdateConfig__Output } from './docker/swarmkit/v1/UpdateConfig';
import type { UpdateStatus as _docker_swarmkit_v1_UpdateStatus, UpdateStatus__Output as _docker_swarmkit_v1_UpdateStatus__Output } from './docker/swarmkit/v1/UpdateStatus';
import type { UpdateTaskStatusRequest as _docker_swarmkit_v1_UpdateTaskStatusRequest, UpdateTaskStatusRequest__Output as _docker_swarmkit_v1_UpdateTaskStatusRequest__Output } from './docker/swarmkit/v1/UpdateTaskStatusRequest';
import type { UpdateTaskStatusResponse as _docker_swarmkit_v1_UpdateTaskStatusResponse, UpdateTaskStatusResponse__Output as _docker_swarmkit_v1_UpdateTaskStatusResponse__Output } from './docker/swarmkit/v1/UpdateTaskStatusResponse';
import type { Version as _docker_swarmkit_v1_Version, Version__Output as _docker_swarmkit_v1_Version__Output } from './docker/swarmkit/v1/Version';
import type { WeightedPeer as _docker_swarmkit_v1_WeightedPeer, WeightedPeer__Output as _docker_swarmkit_v1_WeightedPeer__Output } from './docker/swarmkit/v1/WeightedPeer';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  docker: {
    swarmkit: {
      v1: {
        Annotations: MessageTypeDefinition<_docker_swarmkit_v1_Annotations, _docker_swarmkit_v1_Annotations__Output>
        Assignment: MessageTypeDefinition<_docker_swarmkit_v1_Assignment, _docker_swarmkit_v1_Assignment__Output>
        AssignmentChange: MessageTypeDefinition<_docker_swarmkit_v1_AssignmentChange, _docker_swarmkit_v1_AssignmentChange__Output>
        AssignmentsMessage: MessageTypeDefinition<_docker_swarmkit_v1_AssignmentsMessage, _docker_swarmkit_v1_AssignmentsMessage__Output>
        AssignmentsRequest: MessageTypeDefinition<_docker_swarmkit_v1_AssignmentsRequest, _docker_swarmkit_v1_AssignmentsRequest__Output>
        Certificate: MessageTypeDefinition<_docker_swarmkit_v1_Certificate, _docker_swarmkit_v1_Certificate__Output>
        ContainerSpec: MessageTypeDefinition<_docker_swarmkit_v1_ContainerSpec, _docker_swarmkit_v1_ContainerSpec__Output>
        ContainerStatus: MessageTypeDefinition<_docker_swarmkit_v1_ContainerStatus, _docker_swarmkit_v1_ContainerStatus__Output>
        Dispatcher: SubtypeConstructor<typeof grpc.Client, _docker_swarmkit_v1_DispatcherClient> & { service: _docker_swarmkit_v1_DispatcherDefinition }
        EncryptionKey: MessageTypeDefinition<_docker_swarmkit_v1_EncryptionKey, _docker_swarmkit_v1_EncryptionKey__Output>
        EngineDescription: MessageTypeDefinition<_docker_swarmkit_v1_EngineDescription, _docker_swarmkit_v1_EngineDescription__Output>
        GlobalService: MessageTypeDefinition<_docker_swarmkit_v1_GlobalService, _docker_swarmkit_v1_GlobalService__Output>
        HeartbeatRequest: MessageTypeDefinition<_docker_swarmkit_v1_HeartbeatRequest, _docker_swarmkit_v1_HeartbeatRequest__Output>
        HeartbeatResponse: MessageTypeDefinition<_docker_swarmkit_v1_HeartbeatResponse, _docker_swarmkit_v1_HeartbeatResponse__Output>
        IssuanceStatus: MessageTypeDefinition<_docker_swarmkit_v1_IssuanceStatus, _docker_swarmkit_v1_IssuanceStatus__Output>
        ManagerStatus: MessageTypeDefinition<_docker_swarmkit_v1_ManagerStatus, _docker_swarmkit_v1_ManagerStatus__Output>
        Meta: MessageTypeDefinition<_docker_swarmkit_v1_Meta, _docker_swarmkit_v1_Meta__Output>
        Node: MessageTypeDefinition<_docker_swarmkit_v1_Node, _docker_swarmkit_v1_Node__Output>
        NodeDescription: MessageTypeDefinition<_docker_swarmkit_v1_NodeDescription, _docker_swarmkit_v1_NodeDescription__Output>
        NodeRole: EnumTypeDefinition
        NodeSpec: MessageTypeDefinition<_docker_swarmkit_v1_NodeSpec, _docker_swarmkit_v1_NodeSpec__Output>
        NodeStatus: MessageTypeDefinition<_docker_swarmkit_v1_NodeStatus, _docker_swarmkit_v1_NodeStatus__Output>
        NodeTLSInfo: MessageTypeDefinition<_docker_swarmkit_v1_NodeTLSInfo, _docker_swarmkit_v1_NodeTLSInfo__Output>
        Peer: MessageTypeDefinition<_docker_swarmkit_v1_Peer, _docker_swarmkit_v1_Peer__Output>
        Placement: MessageTypeDefinition<_docker_swarmkit_v1_Placement, _docker_swarmkit_v1_Placement__Output>
        PlacementPreference: MessageTypeDefinition<_docker_swarmkit_v1_PlacementPreference, _docker_swarmkit_v1_PlacementPreference__Output>
        Platform: MessageTypeDefinition<_docker_swarmkit_v1_Platform, _docker_swarmkit_v1_Platform__Output>
        RaftMemberStatus: MessageTypeDefinition<_docker_swarmkit_v1_RaftMemberStatus, _docker_swarmkit_v1_RaftMemberStatus__Output>
        ReplicatedService: MessageTypeDefinition<_docker_swarmkit_v1_ReplicatedService, _docker_swarmkit_v1_ReplicatedService__Output>
        ResourceRequirements: MessageTypeDefinition<_docker_swarmkit_v1_ResourceRequirements, _docker_swarmkit_v1_ResourceRequirements__Output>
        Resources: MessageTypeDefinition<_docker_swarmkit_v1_Resources, _docker_swarmkit_v1_Resources__Output>
        RestartPolicy: MessageTypeDefinition<_docker_swarmkit_v1_RestartPolicy, _docker_swarmkit_v1_RestartPolicy__Output>
        Service: MessageTypeDefinition<_docker_swarmkit_v1_Service, _docker_swarmkit_v1_Service__Output>
        ServiceSpec: MessageTypeDefinition<_docker_swarmkit_v1_ServiceSpec, _docker_swarmkit_v1_ServiceSpec__Output>
        SessionMessage: MessageTypeDefinition<_docker_swarmkit_v1_SessionMessage, _docker_swarmkit_v1_SessionMessage__Output>
        SessionRequest: MessageTypeDefinition<_docker_swarmkit_v1_SessionRequest, _docker_swarmkit_v1_SessionRequest__Output>
        SpreadOver: MessageTypeDefinition<_docker_swarmkit_v1_SpreadOver, _docker_swarmkit_v1_SpreadOver__Output>
        Task: MessageTypeDefinition<_docker_swarmkit_v1_Task, _docker_swarmkit_v1_Task__Output>
        TaskSpec: MessageTypeDefinition<_docker_swarmkit_v1_TaskSpec, _docker_swarmkit_v1_TaskSpec__Output>
        TaskState: EnumTypeDefinition
        TaskStatus: MessageTypeDefinition<_docker_swarmkit_v1_TaskStatus, _docker_swarmkit_v1_TaskStatus__Output>
        UpdateConfig: MessageTypeDefinition<_docker_swarmkit_v1_UpdateConfig, _docker_swarmkit_v1_UpdateConfig__Output>
        UpdateStatus: MessageTypeDefinition<_docker_swarmkit_v1_UpdateStatus, _docker_swarmkit_v1_UpdateStatus__Output>
        UpdateTaskStatusRequest: MessageTypeDefinition<_docker_swarmkit_v1_UpdateTaskStatusRequest, _docker_swarmkit_v1_UpdateTaskStatusRequest__Output>
        UpdateTaskStatusResponse: MessageTypeDefinition<_docker_swarmkit_v1_UpdateTaskStatusResponse, _docker_swarmkit_v1_UpdateTaskStatusResponse__Output>
        Version: MessageTypeDefinition<_docker_swarmkit_v1_Version, _docker_swarmkit_v1_Version__Output>
        WeightedPeer: MessageTypeDefinition<_docker_swarmkit_v1_WeightedPeer, _docker_swarmkit_v1_WeightedPeer__Output>
      }
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}


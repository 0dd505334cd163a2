// Original file: proto/types.proto

import type { Meta as _docker_swarmkit_v1_Meta, Meta__Output as _docker_swarmkit_v1_Meta__Output } from '../../../docker/swarmkit/v1/Meta';
import type { ServiceSpec as _docker_swarmkit_v1_ServiceSpec, ServiceSpec__Output as _docker_swarmkit_v1_ServiceSpec__Output } from '../../../docker/swarmkit/v1/ServiceSpec';
import type { UpdateStatus as _docker_swarmkit_v1_UpdateStatus, UpdateStatus__Output as _docker_swarmkit_v1_UpdateStatus__Output } from '../../../docker/swarmkit/v1/UpdateStatus';
import type { Version as _docker_swarmkit_v1_Version, Version__Output as _docker_swarmkit_v1_Version__Output } from '../../../docker/swarmkit/v1/Version';

export interface Service {
  'id'?: (string);
  'meta'?: (_docker_swarmkit_v1_Meta | null);
  'spec'?: (_docker_swarmkit_v1_ServiceSpec | null);
  'update_status'?: (_docker_swarmkit_v1_UpdateStatus | null);
  'previous_spec'?: (_docker_swarmkit_v1_ServiceSpec | null);
  'pending_delete'?: (boolean);
  'spec_version'?: (_docker_swarmkit_v1_Version | null);
  'previous_spec_version'?: (_docker_swarmkit_v1_Version | null);
}

export interface Service__Output {
  'id': (string);
  'meta': (_docker_swarmkit_v1_Meta__Output | null);
  'spec': (_docker_swarmkit_v1_ServiceSpec__Output | null);
  'update_status': (_docker_swarmkit_v1_UpdateStatus__Output | null);
  'previous_spec': (_docker_swarmkit_v1_ServiceSpec__Output | null);
  'pending_delete': (boolean);
  'spec_version': (_docker_swarmkit_v1_Version__Output | null);
  'previous_spec_version': (_docker_swarmkit_v1_Version__Output | null);
}

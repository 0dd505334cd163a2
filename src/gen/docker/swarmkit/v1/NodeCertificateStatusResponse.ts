// Original file: proto/ca.proto

import type { IssuanceStatus as _docker_swarmkit_v1_IssuanceStatus, IssuanceStatus__Output as _docker_swarmkit_v1_IssuanceStatus__Output } from '../../../docker/swarmkit/v1/IssuanceStatus';
import type { Certificate as _docker_swarmkit_v1_Certificate, Certificate__Output as _docker_swarmkit_v1_Certificate__Output } from '../../../docker/swarmkit/v1/Certificate';

export interface NodeCertificateStatusResponse {
  'status'?: (_docker_swarmkit_v1_IssuanceStatus | null);
  'certificate'?: (_docker_swarmkit_v1_Certificate | null);
}

export interface NodeCertificateStatusResponse__Output {
  'status': (_docker_swarmkit_v1_IssuanceStatus__Output | null);
  'certificate': (_docker_swarmkit_v1_Certificate__Output | null);
}

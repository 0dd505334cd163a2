// Original file: proto/health.proto


// Original file: proto/health.proto

export const _docker_swarmkit_v1_HealthCheckResponse_ServingStatus = {
  UNKNOWN: 'UNKNOWN',
  SERVING: 'SERVING',
  NOT_SERVING: 'NOT_SERVING',
} as const;

export type _docker_swarmkit_v1_HealthCheckResponse_ServingStatus =
  | 'UNKNOWN'
  | 0
  | 'SERVING'
  | 1
  | 'NOT_SERVING'
  | 2

export type _docker_swarmkit_v1_HealthCheckResponse_ServingStatus__Output = typeof _docker_swarmkit_v1_HealthCheckResponse_ServingStatus[keyof typeof _docker_swarmkit_v1_HealthCheckResponse_ServingStatus]

export interface HealthCheckResponse {
  'status'?: (_docker_swarmkit_v1_HealthCheckResponse_ServingStatus);
}

export interface HealthCheckResponse__Output {
  'status': (_docker_swarmkit_v1_HealthCheckResponse_ServingStatus__Output);
}

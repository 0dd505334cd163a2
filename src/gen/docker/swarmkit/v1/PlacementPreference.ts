// Original file: proto/types.proto

import type { SpreadOver as _docker_swarmkit_v1_SpreadOver, SpreadOver__Output as _docker_swarmkit_v1_SpreadOver__Output } from '../../../docker/swarmkit/v1/SpreadOver';

export interface PlacementPreference {
  'spread'?: (_docker_swarmkit_v1_SpreadOver | null);
  'Preference'?: "spread";
}

export interface PlacementPreference__Output {
  'spread'?: (_docker_swarmkit_v1_SpreadOver__Output | null);
  'Preference'?: "spread";
}

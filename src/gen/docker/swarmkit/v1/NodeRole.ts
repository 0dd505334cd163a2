// Original file: proto/types.proto

export const NodeRole = {
  WORKER: 'WORKER',
  MANAGER: 'MANAGER',
} as const;

export type NodeRole =
  | 'WORKER'
  | 0
  | 'MANAGER'
  | 1

export type NodeRole__Output = typeof NodeRole[keyof typeof NodeRole]

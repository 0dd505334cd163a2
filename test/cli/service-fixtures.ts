import type { ApiService, ApiTask } from "../../src/bus/daemon-contract.ts";

/** Fixed services and tasks as the daemon's verbs send them (moby's JSON), for the formatter tests. */
export const NOW = Date.parse("2026-12-02T12:00:00Z");
export const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

export function service(over: Partial<ApiService> & { name: string; replicas?: number; global?: boolean }): ApiService {
  const { name, replicas, global, ...rest } = over;
  return {
    ID: `${name}id0123456789abcdefghijklm`.slice(0, 25),
    Version: { Index: 11 },
    CreatedAt: ago(60),
    UpdatedAt: ago(60),
    Spec: {
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: "sleep" } },
      Mode: global ? { Global: {} } : { Replicated: { Replicas: replicas ?? 1 } },
    },
    ...rest,
  };
}

export function task(
  id: string,
  over: {
    slot?: number;
    node?: string;
    state: string;
    desired?: string;
    err?: string;
    created?: number;
    since?: number;
    serviceId?: string;
  },
): ApiTask {
  return {
    ID: id,
    Version: { Index: 20 },
    CreatedAt: ago(over.created ?? 30),
    UpdatedAt: ago(over.since ?? 5),
    Labels: {},
    Spec: { ContainerSpec: { Image: "sleep" } },
    ServiceID: over.serviceId ?? "webid0123456789abcdefghij",
    ...(over.slot !== undefined ? { Slot: over.slot } : {}),
    ...(over.node !== undefined ? { NodeID: over.node } : {}),
    Status: {
      Timestamp: ago(over.since ?? 5),
      State: over.state,
      Message: "",
      ...(over.err !== undefined ? { Err: over.err } : {}),
    },
    DesiredState: over.desired ?? "running",
  };
}

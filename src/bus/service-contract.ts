import { z } from "zod";

/**
 * moby's swarm.ServiceSpec as the Engine API carries it (api/types/swarm/
 * service.go, task.go, container.go), cut to what a process can honour.
 * Durations are Go's time.Duration: integer nanoseconds. The shape is checked
 * here, at the daemon's edge; what the values mean is the manager's to judge
 * (SwarmKit's validateServiceSpec), so numbers are only bounded to be
 * integers that JSON carries exactly.
 */
const int = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const shortList = z.array(z.string().max(4096)).max(1024);
const labels = z.record(z.string().max(1024), z.string().max(4096));
const resources = z.strictObject({ NanoCPUs: int.optional(), MemoryBytes: int.optional() });
const updateConfig = z.strictObject({
  Parallelism: int.optional(),
  Delay: int.optional(),
  FailureAction: z.enum(["pause", "continue", "rollback"]).optional(),
  Monitor: int.optional(),
  MaxFailureRatio: z.number().optional(),
  Order: z.enum(["stop-first", "start-first"]).optional(),
});

export const apiServiceSpec = z.strictObject({
  Name: z.string().max(1024).optional(),
  Labels: labels.optional(),
  TaskTemplate: z.strictObject({
    ContainerSpec: z.strictObject({
      Image: z.string().max(4096),
      Labels: labels.optional(),
      Command: shortList.optional(),
      Args: shortList.optional(),
      Hostname: z.string().max(255).optional(),
      Env: shortList.optional(),
      Dir: z.string().max(4096).optional(),
      User: z.string().max(255).optional(),
      StopSignal: z.string().max(32).optional(),
      StopGracePeriod: int.optional(),
    }),
    Resources: z.strictObject({ Limits: resources.optional(), Reservations: resources.optional() }).optional(),
    RestartPolicy: z
      .strictObject({
        Condition: z.enum(["none", "on-failure", "any"]).optional(),
        Delay: int.optional(),
        MaxAttempts: int.optional(),
        Window: int.optional(),
      })
      .optional(),
    Placement: z
      .strictObject({
        Constraints: shortList.optional(),
        Preferences: z
          .array(z.strictObject({ Spread: z.strictObject({ SpreadDescriptor: z.string().max(1024) }) }))
          .max(64)
          .optional(),
        MaxReplicas: int.optional(),
      })
      .optional(),
    ForceUpdate: int.optional(),
  }),
  Mode: z
    .union([
      z.strictObject({ Replicated: z.strictObject({ Replicas: int.optional() }) }),
      z.strictObject({ Global: z.strictObject({}) }),
    ])
    .optional(),
  UpdateConfig: updateConfig.optional(),
  RollbackConfig: updateConfig.optional(),
});

export type ApiServiceSpec = z.infer<typeof apiServiceSpec>;

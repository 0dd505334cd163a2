import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkScaleArgs } from "../../src/cli/commands/service-scale.ts";
import { updatedSpec } from "../../src/cli/commands/service-update.ts";
import { StatusError } from "../../src/cli/errors/status-error.ts";
import {
  flagValue,
  parseDurationNs,
  parseNanoCpus,
  parseUint64,
  ramInBytes,
  shlexSplit,
  validateEnv,
  validateLabel,
} from "../../src/cli/flag-values.ts";
import { type ServiceFlags, serviceSpecFromFlags } from "../../src/cli/service-spec.ts";

const base: ServiceFlags = {
  image: "sleep",
  args: [],
  constraint: [],
  placementPref: [],
  env: [],
  label: [],
  containerLabel: [],
};

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
};

test("memory as go-units RAMInBytes: binary units, case-insensitive, its error texts", () => {
  assert.is(ramInBytes("4MiB"), 4 * 1024 ** 2);
  assert.is(ramInBytes("100m"), 100 * 1024 ** 2);
  assert.is(ramInBytes("1g"), 1024 ** 3);
  assert.is(ramInBytes("1.5K"), 1536);
  assert.is(ramInBytes("512"), 512);
  assert.is(ramInBytes("10 MB"), 10 * 1024 ** 2);
  assert.is(
    (thrown(() => ramInBytes("4X")) as Error).message,
    "invalid suffix: 'x'",
    "lower-cased once it is short enough",
  );
  assert.is((thrown(() => ramInBytes("4MiBs")) as Error).message, "invalid suffix: 'MiBs'");
  assert.is((thrown(() => ramInBytes("lots")) as Error).message, "invalid size: 'lots'");
});

test("CPUs as docker's ParseCPUs: rationals to NanoCPUs", () => {
  assert.is(parseNanoCpus("0.5"), 500_000_000);
  assert.is(parseNanoCpus("2"), 2_000_000_000);
  assert.is(parseNanoCpus("3/2"), 1_500_000_000);
  assert.is(parseNanoCpus("1e-3"), 1_000_000);
  assert.is((thrown(() => parseNanoCpus("x")) as Error).message, "failed to parse x as a rational number");
  assert.is((thrown(() => parseNanoCpus("0.0000000001")) as Error).message, "value is too precise");
});

test("durations as Go's ParseDuration, in nanoseconds; uints as ParseUint", () => {
  assert.is(parseDurationNs("1m30s"), 90e9);
  assert.is(parseDurationNs("500ms"), 500e6);
  assert.is((thrown(() => parseDurationNs("5")) as Error).message, 'time: missing unit in duration "5"');
  assert.is(parseUint64("3"), 3);
  assert.is(parseUint64("0x10"), 16);
  assert.is((thrown(() => parseUint64("-1")) as Error).message, 'strconv.ParseUint: parsing "-1": invalid syntax');
});

test("a bad flag value is docker's flag error, exit status 125", () => {
  const e = thrown(() => flagValue("--replicas", "swarmbus service create", parseUint64)("three"));
  assert.instance(e, StatusError);
  assert.is((e as StatusError).code, 125);
  assert.is(
    (e as StatusError).status,
    `invalid argument "three" for "--replicas" flag: strconv.ParseUint: parsing "three": invalid syntax\nSee 'swarmbus service create --help'.`,
  );
});

test("env, labels and --entrypoint as docker reads them", () => {
  assert.is(validateEnv("A=1"), "A=1");
  process.env.SWARMBUS_TEST_ENV = "from-cli";
  assert.is(validateEnv("SWARMBUS_TEST_ENV"), "SWARMBUS_TEST_ENV=from-cli");
  assert.is((thrown(() => validateEnv("=x")) as Error).message, "invalid environment variable: =x");
  assert.is((thrown(() => validateLabel("=x")) as Error).message, "invalid label '=x': empty name");
  assert.equal(shlexSplit(`sh -c 'echo "hi there"'`), ["sh", "-c", 'echo "hi there"']);
});

test("the spec: COMMAND and ARGs into Args, --entrypoint into Command, units converted", () => {
  const spec = serviceSpecFromFlags({
    ...base,
    args: ["-c", "sleep 60"],
    entrypoint: ["/bin/sh"],
    name: "web",
    replicas: 3,
    env: ["A=1", "B=2", "A=3"],
    limitCpu: 500_000_000,
    limitMemory: 4 * 1024 ** 2,
    reserveMemory: 1024 ** 3,
    restartCondition: "on-failure",
    constraint: ["node.role==worker"],
    placementPref: ["spread=node.labels.zone"],
    maxReplicas: 2,
    stopGracePeriod: 2e9,
    label: ["tier=front"],
  });
  assert.equal(spec, {
    Name: "web",
    Labels: { tier: "front" },
    TaskTemplate: {
      ContainerSpec: {
        Image: "sleep",
        Command: ["/bin/sh"],
        Args: ["-c", "sleep 60"],
        Env: ["B=2", "A=3"],
        StopGracePeriod: 2e9,
      },
      Resources: { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 4194304 }, Reservations: { MemoryBytes: 1073741824 } },
      RestartPolicy: { Condition: "on-failure", Delay: 5e9, MaxAttempts: 0 },
      Placement: {
        Constraints: ["node.role==worker"],
        Preferences: [{ Spread: { SpreadDescriptor: "node.labels.zone" } }],
        MaxReplicas: 2,
      },
    },
    Mode: { Replicated: { Replicas: 3 } },
  });
});

test("mode errors as docker's ToServiceMode", () => {
  assert.equal(serviceSpecFromFlags({ ...base, mode: "global" }).Mode, { Global: {} });
  const msg = (f: Partial<ServiceFlags>) =>
    (thrown(() => serviceSpecFromFlags({ ...base, ...f })) as StatusError).status;
  assert.is(msg({ mode: "global", replicas: 2 }), "replicas can only be used with replicated or replicated-job mode");
  assert.is(
    msg({ mode: "global", maxReplicas: 1 }),
    "replicas-max-per-node can only be used with replicated or replicated-job mode",
  );
  assert.is(msg({ mode: "job" }), "unknown mode: job, only replicated and global supported");
});

test("scale specifiers: docker's usage error before anything is changed", () => {
  checkScaleArgs(["web=3", "db=0"]);
  const e = thrown(() => checkScaleArgs(["web=3", "db"])) as StatusError;
  assert.is(e.code, 1);
  assert.ok(e.status.startsWith("invalid scale specifier 'db'.\nSee 'swarmbus service scale --help'.\n\nUsage:  "));
  assert.is(
    (thrown(() => checkScaleArgs(["=3"])) as StatusError).status.split("\n")[0],
    "invalid scale specifier '=3'.",
  );
});

test("update: --image, --env-add/--env-rm, --constraint-add/-rm, --replicas, --force on the current spec", () => {
  const current = serviceSpecFromFlags({ ...base, env: ["A=1", "B=2"], constraint: ["node.role==worker"] });
  const next = updatedSpec(current, {
    image: "sleep2",
    envAdd: ["C=3", "A=9"],
    envRm: ["B"],
    constraintAdd: ["node.labels.zone==a"],
    constraintRm: ["node.role==worker"],
    replicas: 4,
    force: true,
  });
  assert.is(next.TaskTemplate.ContainerSpec.Image, "sleep2");
  assert.equal(next.TaskTemplate.ContainerSpec.Env, ["A=9", "C=3"]);
  assert.equal(next.TaskTemplate.Placement?.Constraints, ["node.labels.zone==a"]);
  assert.equal(next.Mode, { Replicated: { Replicas: 4 } });
  assert.is(next.TaskTemplate.ForceUpdate, 1);
  assert.equal(current.TaskTemplate.ContainerSpec.Env, ["A=1", "B=2"], "the current spec is left as it was");
});

test.run();

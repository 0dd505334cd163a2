import type { Resources__Output } from "../../gen/docker/swarmkit/v1/Resources.ts";
import type { ServiceSpec__Output } from "../../gen/docker/swarmkit/v1/ServiceSpec.ts";
import type { TaskSpec__Output } from "../../gen/docker/swarmkit/v1/TaskSpec.ts";
import type { Duration__Output } from "../../gen/google/protobuf/Duration.ts";
import { rpcError } from "../../rpc/status.ts";
import { errInvalidArgument } from "./errors.ts";

/**
 * SwarmKit's validateServiceSpec (SK: manager/controlapi/service.go and
 * common.go), in its order and words. What differs: a process stands in for
 * a container, so the image is a program name, checked only for being given
 * and printable (no registry reference grammar).
 */

/** SK isValidDNSName. */
const DNS_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;

export function validateAnnotationsName(name: string): void {
  if (name === "") throw rpcError("InvalidArgument", "meta: name must be provided");
  if (!DNS_NAME.test(name)) throw rpcError("InvalidArgument", "name must be valid as a DNS name component");
  if (name.length > 63) throw rpcError("InvalidArgument", "name must be 63 characters or fewer");
}

const negative = (d: Duration__Output | null | undefined): boolean =>
  !!d && (BigInt(d.seconds) < 0n || (BigInt(d.seconds) === 0n && d.nanos < 0));

/** A uint64 that Go's int64() cast would read as negative (a -1 sent as unsigned). */
const negativeAsInt64 = (n: string | number): boolean => BigInt(n) >= 1n << 63n;

function validateResources(r: Resources__Output | null | undefined): void {
  if (!r) return;
  const cpus = Number(r.nano_cpus);
  if (cpus !== 0 && cpus < 1e6) {
    throw rpcError("InvalidArgument", `invalid cpu value ${goG(cpus / 1e9)}: Must be at least 0.001`);
  }
  const mem = Number(r.memory_bytes);
  if (mem !== 0 && mem < 4 * 1024 * 1024) {
    throw rpcError("InvalidArgument", `invalid memory value ${r.memory_bytes}: Must be at least 4MiB`);
  }
}

/** Go's %g for the small positive numbers validateResources prints. */
function goG(x: number): string {
  if (x !== 0 && (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e21)) {
    const [m, e] = x.toExponential().split("e");
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(x);
}

export type ConstraintCheck = (constraints: readonly string[]) => void;

function validateTaskSpec(task: TaskSpec__Output | null | undefined, checkConstraints: ConstraintCheck): void {
  validateResources(task?.resources?.limits);
  validateResources(task?.resources?.reservations);
  const restart = task?.restart;
  if (restart) {
    if (negative(restart.delay)) throw rpcError("InvalidArgument", "TaskSpec: restart-delay cannot be negative");
    if (negative(restart.window)) throw rpcError("InvalidArgument", "TaskSpec: restart-window cannot be negative");
  }
  if (task?.placement) checkConstraints(task.placement.constraints);
  const container = task?.container;
  if (!task || !container) throw rpcError("InvalidArgument", "TaskSpec: missing runtime");
  if (container.image === "") throw rpcError("InvalidArgument", "ContainerSpec: image reference must be provided");
  // A program name: printable, no whitespace (it is one argv entry, resolved on PATH).
  if (/[\s\p{C}]/u.test(container.image)) {
    throw rpcError(
      "InvalidArgument",
      `ContainerSpec: ${JSON.stringify(container.image)} is not a valid repository/tag`,
    );
  }
}

function validateMode(spec: ServiceSpec__Output): void {
  if (spec.replicated) {
    if (negativeAsInt64(spec.replicated.replicas)) {
      throw rpcError("InvalidArgument", "Number of replicas must be non-negative");
    }
    return;
  }
  if (spec.global) return;
  throw rpcError("InvalidArgument", "Unrecognized service mode");
}

function validateUpdate(uc: ServiceSpec__Output["update"]): void {
  if (!uc) return;
  if (negative(uc.delay)) throw rpcError("InvalidArgument", "TaskSpec: update-delay cannot be negative");
  if (negative(uc.monitor)) throw rpcError("InvalidArgument", "TaskSpec: update-monitor cannot be negative");
  if (uc.max_failure_ratio < 0 || uc.max_failure_ratio > 1) {
    throw rpcError("InvalidArgument", "TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1");
  }
}

/** Throws SwarmKit's InvalidArgument for the first fault found; `checkConstraints` parses placement constraints. */
export function validateServiceSpec(
  spec: ServiceSpec__Output | null | undefined,
  checkConstraints: ConstraintCheck,
): asserts spec is ServiceSpec__Output {
  if (!spec) throw errInvalidArgument();
  validateAnnotationsName(spec.annotations?.name ?? "");
  validateTaskSpec(spec.task, checkConstraints);
  validateMode(spec);
  validateUpdate(spec.update);
}

import { newId } from "../../ca/ids.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { ServiceSpec__Output } from "../../gen/docker/swarmkit/v1/ServiceSpec.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { rpcError } from "../../rpc/status.ts";
import type { ReadTx, Store } from "../store.ts";
import { errInvalidArgument, errSequenceConflict } from "./errors.ts";
import { type ConstraintCheck, validateServiceSpec } from "./service-spec.ts";

/**
 * The service part of SwarmKit's control API (SK: manager/controlapi/service.go,
 * task.go) over the replicated store: create, get, list, update, remove, and
 * the task list. The orchestrators turn each committed change into tasks.
 */
export const errServiceNotFound = (ref: string) => rpcError("NotFound", `service ${ref} not found`);

/** SK store.ErrNameConflict, enhanced as CreateService does. */
const errNameConflict = (name: string) =>
  rpcError("AlreadyExists", `name conflicts with an existing object: service ${name} already exists`);

/** SK UpdateServiceRequest (no rollback yet): `version` is the Meta.Version.Index it was read at. */
export interface UpdateServiceRequest {
  readonly serviceId: string;
  readonly version: string;
  readonly spec: ServiceSpec__Output;
}

/** SK ListTasksRequest.Filters, cut to what `service ps` and `node ps` use. */
export interface TaskFilter {
  readonly serviceIds?: readonly string[];
  readonly nodeIds?: readonly string[];
}

const nameOf = (s: Service__Output) => s.spec?.annotations?.name ?? "";

/**
 * moby's getService (daemon/cluster/helpers.go), answered here rather than by
 * the daemon so one call finds it: the full ID, then the name,
 * then an ID prefix; several matches → InvalidArgument "service %s is ambiguous
 * (%d matches found)", none → NotFound "service %s not found".
 */
export function findService(tx: ReadTx, ref: string): Service__Output {
  const byId = tx.service(ref);
  if (byId) return byId;
  const services = tx.services();
  let matches = services.filter((s) => nameOf(s) === ref);
  if (matches.length === 0) matches = ref === "" ? [] : services.filter((s) => s.id.startsWith(ref));
  // moby's own errors (errdefs), not SwarmKit's gRPC status: printed without the rpc error wrapper.
  if (matches.length === 0) throw rpcError("NotFound", `service ${ref} not found`, { plain: true });
  if (matches.length > 1) {
    throw rpcError("InvalidArgument", `service ${ref} is ambiguous (${matches.length} matches found)`, {
      plain: true,
    });
  }
  return matches[0]!;
}

export interface ServiceControl {
  createService(spec: ServiceSpec__Output): Promise<Service__Output>;
  getService(ref: string): Service__Output;
  listServices(): Service__Output[];
  updateService(req: UpdateServiceRequest): Promise<Service__Output>;
  removeService(serviceId: string): Promise<void>;
  listTasks(filter: TaskFilter): Task__Output[];
}

export function serviceControl(store: Store, checkConstraints: ConstraintCheck): ServiceControl {
  return {
    async createService(spec) {
      validateServiceSpec(spec, checkConstraints);
      const name = nameOf({ spec } as Service__Output);
      return await store.update((tx) => {
        // SK's store keeps names unique per object kind, case-insensitively.
        if (tx.services().some((s) => nameOf(s).toLowerCase() === name.toLowerCase())) throw errNameConflict(name);
        return tx.putService({
          id: newId(),
          meta: null,
          spec,
          spec_version: { index: "0" },
          previous_spec: null,
          previous_spec_version: null,
          update_status: null,
          pending_delete: false,
        });
      });
    },
    getService(ref) {
      if (ref === "") throw errInvalidArgument();
      return store.view((tx) => findService(tx, ref));
    },
    listServices() {
      return store.view((tx) => tx.services());
    },
    async updateService(req) {
      if (req.serviceId === "" || req.version === "") throw errInvalidArgument();
      validateServiceSpec(req.spec, checkConstraints);
      return await store.update((tx) => {
        const current = tx.service(req.serviceId);
        if (!current) throw errServiceNotFound(req.serviceId);
        if (current.meta?.version?.index !== req.version) throw errSequenceConflict();
        if (Boolean(current.spec?.global) !== Boolean(req.spec.global)) {
          throw rpcError("Unimplemented", "service mode change is not allowed");
        }
        if (nameOf(current) !== (req.spec.annotations?.name ?? "")) {
          throw rpcError("Unimplemented", "renaming services is not supported");
        }
        return tx.putService({
          ...current,
          previous_spec: current.spec,
          previous_spec_version: current.spec_version,
          spec: req.spec,
          // Not comparable with Meta.Version after this write, as in SwarmKit.
          spec_version: { index: current.meta?.version?.index ?? "0" },
          update_status: null,
        });
      });
    },
    async removeService(serviceId) {
      if (serviceId === "") throw errInvalidArgument();
      await store.update((tx) => {
        if (!tx.service(serviceId)) throw errServiceNotFound(serviceId);
        tx.deleteService(serviceId);
      });
    },
    listTasks(filter) {
      return store.view((tx) => {
        let tasks: Task__Output[];
        if (filter.serviceIds?.length) tasks = filter.serviceIds.flatMap((id) => tx.tasksOfService(id));
        else if (filter.nodeIds?.length) tasks = filter.nodeIds.flatMap((id) => tx.tasksOfNode(id));
        else tasks = tx.tasks();
        if (filter.nodeIds?.length) {
          const nodes = new Set(filter.nodeIds);
          tasks = tasks.filter((t) => nodes.has(t.node_id));
        }
        return tasks;
      });
    },
  };
}

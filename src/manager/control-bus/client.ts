import type { NatsConnection } from "@nats-io/transport-node";
import type { z } from "zod";
import { describeIssues } from "../../bus/envelope.ts";
import { rpcError } from "../../rpc/status.ts";
import { envelopeRequest, NoResponders } from "./bus-request.ts";
import {
  type ControlClient,
  type ControlMethod,
  clusterInfo,
  emptyResult,
  encodedNode,
  encodedNodes,
  encodedService,
  encodedServices,
  encodedTasks,
  joinTokens,
  raftJoinResponse,
  unlockKeyResult,
} from "./methods.ts";
import { decodeNode, serviceCodec, serviceSpecCodec, taskCodec } from "./node-codec.ts";
import { controlSubject, leaderSubject, TIMEOUT_HEADER } from "./subjects.ts";

/** No manager of the swarm subscribes to the control API. */
export const noManagerMessage = (clusterId: string) => `no manager of swarm ${clusterId} is serving the control API`;

/**
 * The daemon's side of the control API: each call goes to the managers'
 * queue group with the caller's deadline (`timeoutMs`, moby's
 * swarmRequestTimeout) and reaches the leader through whichever manager takes
 * it. Errors are the leader's RpcErrors; no reply in time → DeadlineExceeded
 * "context deadline exceeded".
 */
export function controlClient(
  nc: NatsConnection,
  clusterId: string,
  opts: {
    timeoutMs: number;
    /** The node ID of the manager whose daemon calls (named in the subject; only managers are served). */
    caller: string;
    /**
     * The Raft ID of this daemon's own manager, when it runs one: calls then go to it
     * (moby's local control socket), which serves them or forwards them to the leader.
     * Through the queue group a call can land on a manager that just died and whose
     * subscription the server still holds, and wait out its whole deadline.
     */
    via?: () => string | undefined;
  },
): ControlClient {
  const what = `the managers of swarm ${clusterId}`;
  const subjectOf = (method: ControlMethod): string => {
    const local = opts.via?.();
    return local
      ? leaderSubject(clusterId, method, opts.caller, local)
      : controlSubject(clusterId, method, opts.caller);
  };
  const call = async <T>(method: ControlMethod, body: unknown, schema: z.ZodType<T>): Promise<T> => {
    let result: unknown;
    try {
      result = await envelopeRequest(nc, subjectOf(method), JSON.stringify(body), {
        timeoutMs: opts.timeoutMs,
        headers: { [TIMEOUT_HEADER]: String(opts.timeoutMs) },
        what,
      });
    } catch (e) {
      if (e instanceof NoResponders) throw rpcError("Unavailable", noManagerMessage(clusterId));
      throw e;
    }
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      throw rpcError("Internal", `${what} sent an invalid ${method} result: ${describeIssues(parsed.error)}`);
    }
    return parsed.data;
  };
  return {
    listNodes: async () => (await call("listNodes", {}, encodedNodes)).nodes.map((n) => decodeNode(n, what)),
    getNode: async (ref) => decodeNode((await call("getNode", { ref }, encodedNode)).node, what),
    updateNode: async (req) =>
      decodeNode(
        (
          await call(
            "updateNode",
            {
              nodeId: req.nodeId,
              ...(req.version !== undefined ? { version: req.version } : {}),
              ...(req.spec ? { spec: req.spec } : {}),
            },
            encodedNode,
          )
        ).node,
        what,
      ),
    removeNode: async (req) => {
      await call("removeNode", { nodeId: req.nodeId, force: req.force }, emptyResult);
    },
    joinTokens: () => call("joinTokens", {}, joinTokens),
    rotateJoinToken: (role) => call("rotateJoinToken", { role }, joinTokens),
    clusterInfo: () => call("clusterInfo", {}, clusterInfo),
    updateCluster: (req) => call("updateCluster", req, clusterInfo),
    getUnlockKey: async () => {
      const key = (await call("getUnlockKey", {}, unlockKeyResult)).unlockKey;
      return key === "" ? null : Buffer.from(key, "base64");
    },
    raftJoin: (req) => call("raftJoin", req, raftJoinResponse),
    createService: async (spec) =>
      serviceCodec.decode(
        (await call("createService", { spec: serviceSpecCodec.encode(spec) }, encodedService)).service,
        what,
      ),
    getService: async (ref) => serviceCodec.decode((await call("getService", { ref }, encodedService)).service, what),
    listServices: async () =>
      (await call("listServices", {}, encodedServices)).services.map((s) => serviceCodec.decode(s, what)),
    updateService: async (req) =>
      serviceCodec.decode(
        (
          await call(
            "updateService",
            { serviceId: req.serviceId, version: req.version, spec: serviceSpecCodec.encode(req.spec) },
            encodedService,
          )
        ).service,
        what,
      ),
    removeService: async (serviceId) => {
      await call("removeService", { serviceId }, emptyResult);
    },
    listTasks: async (filter) =>
      (await call("listTasks", filter, encodedTasks)).tasks.map((t) => taskCodec.decode(t, what)),
  };
}

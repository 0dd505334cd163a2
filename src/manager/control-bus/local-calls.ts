import { rpcError } from "../../rpc/status.ts";
import type { ControlHandlers, ControlMethod, ControlRequest, ServiceHandlers } from "./methods.ts";
import { encodeNode, serviceCodec, serviceSpecCodec, taskCodec } from "./node-codec.ts";

/** A spec from the wire: a caller's bytes, so a bad one is the caller's InvalidArgument. */
const specOf = (b64: string) => serviceSpecCodec.decode(b64, "the caller", "InvalidArgument");

function servicesOf(handlers: ControlHandlers): ServiceHandlers {
  if (!handlers.services) throw rpcError("Unimplemented", "services are not served by this manager");
  return handlers.services;
}

/** Runs one control call with this manager's own handlers (it leads); the answer as it goes on the wire. */
export async function serveLocally<M extends ControlMethod>(
  handlers: ControlHandlers,
  method: M,
  req: ControlRequest<M>,
): Promise<unknown> {
  switch (method) {
    case "listNodes":
      return { nodes: (await handlers.listNodes()).map(encodeNode) };
    case "getNode":
      return { node: encodeNode(await handlers.getNode((req as ControlRequest<"getNode">).ref)) };
    case "updateNode": {
      const r = req as ControlRequest<"updateNode">;
      return { node: encodeNode(await handlers.updateNode({ nodeId: r.nodeId, version: r.version, spec: r.spec })) };
    }
    case "removeNode":
      await handlers.removeNode(req as ControlRequest<"removeNode">);
      return {};
    case "joinTokens":
      return await handlers.joinTokens();
    case "rotateJoinToken":
      return await handlers.rotateJoinToken((req as ControlRequest<"rotateJoinToken">).role);
    case "clusterInfo":
      return await handlers.clusterInfo();
    case "updateCluster":
      return await handlers.updateCluster(req as ControlRequest<"updateCluster">);
    case "getUnlockKey": {
      if (!handlers.getUnlockKey) throw rpcError("Unimplemented", "GetUnlockKey is not served by this manager");
      return { unlockKey: (await handlers.getUnlockKey())?.toString("base64") ?? "" };
    }
    case "createService":
      return {
        service: serviceCodec.encode(
          await servicesOf(handlers).createService(specOf((req as ControlRequest<"createService">).spec)),
        ),
      };
    case "getService":
      return {
        service: serviceCodec.encode(await servicesOf(handlers).getService((req as ControlRequest<"getService">).ref)),
      };
    case "listServices":
      return { services: (await servicesOf(handlers).listServices()).map(serviceCodec.encode) };
    case "updateService": {
      const r = req as ControlRequest<"updateService">;
      const service = await servicesOf(handlers).updateService({
        serviceId: r.serviceId,
        version: r.version,
        spec: specOf(r.spec),
      });
      return { service: serviceCodec.encode(service) };
    }
    case "removeService":
      await servicesOf(handlers).removeService((req as ControlRequest<"removeService">).serviceId);
      return {};
    case "listTasks":
      return {
        tasks: (await servicesOf(handlers).listTasks(req as ControlRequest<"listTasks">)).map(taskCodec.encode),
      };
    case "raftJoin":
      if (!handlers.raftJoin) throw rpcError("Unimplemented", "raft join is not served by this manager");
      return await handlers.raftJoin(req as ControlRequest<"raftJoin">);
  }
  throw rpcError("Unimplemented", `unknown control method ${String(method)}`);
}

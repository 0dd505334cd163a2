import { rpcError } from "../../rpc/status.ts";
import type { ControlHandlers, ControlMethod, ControlRequest } from "./methods.ts";
import { encodeNode } from "./node-codec.ts";

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
    case "raftJoin":
      if (!handlers.raftJoin) throw rpcError("Unimplemented", "raft join is not served by this manager");
      return await handlers.raftJoin(req as ControlRequest<"raftJoin">);
  }
  throw rpcError("Unimplemented", `unknown control method ${String(method)}`);
}

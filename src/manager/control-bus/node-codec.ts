import protobuf from "protobufjs";
import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import { loaderOptions } from "../../rpc/loader-options.ts";
import { protoDir } from "../../rpc/proto.ts";
import { rpcError } from "../../rpc/status.ts";

/**
 * Nodes on the control bus travel as the protobuf `docker.swarmkit.v1.Node`
 * (base64 inside the JSON reply), so the client gets back exactly the
 * `Node__Output` shape grpc-js produces (same loader options: enum names,
 * 64-bit numbers as strings, defaults filled, bytes as Buffers), and a reply
 * that is not a Node is caught by the decoder.
 */
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") ? target : `${protoDir}/${target}`);
root.loadSync(["types.proto"], { keepCase: true });
root.resolveAll();
const NodeType = root.lookupType("docker.swarmkit.v1.Node");

const toObjectOptions: protobuf.IConversionOptions = {
  longs: loaderOptions.longs,
  enums: loaderOptions.enums,
  defaults: loaderOptions.defaults,
  oneofs: loaderOptions.oneofs,
};

export function encodeNode(node: Node__Output): string {
  return Buffer.from(NodeType.encode(NodeType.fromObject(node)).finish()).toString("base64");
}

/** The Node in `b64`, or throws Internal naming `what` (the manager that sent it). */
export function decodeNode(b64: string, what: string): Node__Output {
  try {
    return NodeType.toObject(NodeType.decode(Buffer.from(b64, "base64")), toObjectOptions) as Node__Output;
  } catch (e) {
    throw rpcError("Internal", `${what} sent a node that is not a Node message: ${e instanceof Error ? e.message : e}`);
  }
}

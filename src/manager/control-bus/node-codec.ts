import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { ServiceSpec__Output } from "../../gen/docker/swarmkit/v1/ServiceSpec.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { protoCodec } from "./proto-codec.ts";

/** The store objects the control bus carries, each as its protobuf message in base64. */
export const nodeCodec = protoCodec<Node__Output>("Node", "node");
export const serviceCodec = protoCodec<Service__Output>("Service", "service");
export const serviceSpecCodec = protoCodec<ServiceSpec__Output>("ServiceSpec", "service spec");
export const taskCodec = protoCodec<Task__Output>("Task", "task");

export const encodeNode = nodeCodec.encode;
/** The Node in `b64`, or throws Internal naming `what` (the manager that sent it). */
export const decodeNode = (b64: string, what: string): Node__Output => nodeCodec.decode(b64, what);

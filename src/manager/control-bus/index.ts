export { envelopeRequest, NoResponders } from "./bus-request.ts";
export { controlClient, noManagerMessage } from "./client.ts";
export * from "./methods.ts";
export { decodeNode, encodeNode } from "./node-codec.ts";
export { type ControlBusOptions, type ControlBusServer, serveControlBus } from "./server.ts";
export * from "./subjects.ts";

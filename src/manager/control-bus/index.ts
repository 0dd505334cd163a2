export { envelopeRequest, NoResponders } from "./bus-request.ts";
export { authorizeCaller, type CallerLookup, type CallerStanding } from "./caller-auth.ts";
export { controlClient, noManagerMessage } from "./client.ts";
export * from "./methods.ts";
export { decodeNode, encodeNode } from "./node-codec.ts";
export { CONTROL_REQUEST_LIMITS, type ControlBusOptions, type ControlBusServer, serveControlBus } from "./server.ts";
export * from "./subjects.ts";

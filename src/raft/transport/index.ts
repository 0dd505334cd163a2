export { MemoryNetwork } from "./memory-transport.ts";
export { type NatsTransportOptions, natsTransport } from "./nats-transport.ts";
export { PeerActivity } from "./peer-activity.ts";
export {
  MAX_TRANSACTION_BYTES,
  type RaftMembers,
  type RaftTransport,
  REQUEST_TOO_LARGE,
  type TransportReport,
} from "./transport.ts";

import type { Options } from "@grpc/proto-loader";

/**
 * The one place where proto-loader's options live: they decide the runtime shape
 * of every decoded message (enum names as strings, 64-bit numbers as strings so
 * Raft IDs keep all their bits, defaults filled so absent fields read as Swarm's
 * zero values). `npm run gen` feeds the same options to the type generator, so
 * the generated types always match what the loader produces.
 */
export const loaderOptions = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const satisfies Options;

export const protoFiles = ["types.proto", "dispatcher.proto", "ca.proto", "health.proto"] as const;

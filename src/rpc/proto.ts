import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ProtoGrpcType as CaProto } from "../gen/ca.ts";
import type { ProtoGrpcType as DispatcherProto } from "../gen/dispatcher.ts";
import type { ProtoGrpcType as HealthProto } from "../gen/health.ts";
import { loaderOptions, protoFiles } from "./loader-options.ts";

export const protoDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "proto");

const definition = protoLoader.loadSync([...protoFiles], { ...loaderOptions, includeDirs: [protoDir] });

/** Every service and message of proto/, as grpc-js constructors and definitions. */
export const swarmkit = (grpc.loadPackageDefinition(definition) as unknown as DispatcherProto & CaProto & HealthProto)
  .docker.swarmkit.v1;

import type protobuf from "protobufjs";
import { loaderOptions } from "../../rpc/loader-options.ts";
import { protoRoot as root } from "../../rpc/proto-root.ts";
import { rpcError } from "../../rpc/status.ts";

/**
 * Store objects on the control bus travel as their protobuf message (base64
 * inside the JSON reply), so the receiver gets back exactly the `__Output`
 * shape grpc-js produces (same loader options: enum names, 64-bit numbers as
 * strings, defaults filled, bytes as Buffers), and bytes that are not that
 * message are caught by the decoder.
 */
const toObjectOptions: protobuf.IConversionOptions = {
  longs: loaderOptions.longs,
  enums: loaderOptions.enums,
  defaults: loaderOptions.defaults,
  oneofs: loaderOptions.oneofs,
};

export interface ProtoCodec<T> {
  encode(value: T): string;
  /** The message in `b64`, or throws `code` naming `what` (who sent it). */
  decode(b64: string, what: string, code?: "Internal" | "InvalidArgument"): T;
}

/** `noun` names the message in errors ("node", "service spec"). */
export function protoCodec<T>(typeName: string, noun: string): ProtoCodec<T> {
  const type = root.lookupType(`docker.swarmkit.v1.${typeName}`);
  return {
    encode: (value) => Buffer.from(type.encode(type.fromObject(value as object)).finish()).toString("base64"),
    decode: (b64, what, code = "Internal") => {
      try {
        return type.toObject(type.decode(Buffer.from(b64, "base64")), toObjectOptions) as T;
      } catch (e) {
        const article = /^[aeiou]/.test(typeName.toLowerCase()) ? "an" : "a";
        throw rpcError(
          code,
          `${what} sent a ${noun} that is not ${article} ${typeName} message: ${e instanceof Error ? e.message : e}`,
        );
      }
    },
  };
}

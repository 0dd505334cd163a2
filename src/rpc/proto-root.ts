import protobuf from "protobufjs";
import { protoFiles } from "./loader-options.ts";
import { protoDir } from "./proto.ts";

/**
 * Every message of proto/ as protobufjs reflection (field names kept as
 * written, as proto-loader's `keepCase`), for the code that reads or writes
 * wire bytes itself: the request checks, the control bus codec and the
 * Assignments encoder.
 */
export const protoRoot = new protobuf.Root();
protoRoot.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") ? target : `${protoDir}/${target}`);
protoRoot.loadSync([...protoFiles], { keepCase: true });
protoRoot.resolveAll();

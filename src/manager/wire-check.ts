import protobuf from "protobufjs";
import { protoRoot as root } from "../rpc/proto-root.ts";

/**
 * A schema-driven check of a request's wire format, run before decoding:
 * protobufjs decodes a field sent with the wrong wire type (a varint where a
 * string belongs) without complaint, where Go's decoder rejects it. Walks the
 * bytes against the message type from proto/, recursing into sub-messages, and
 * returns the first problem as text (undefined if the bytes are a valid message).
 * Unknown fields are allowed, as in proto3.
 */
const utf8 = new TextDecoder("utf-8", { fatal: true });

function expectedWireType(field: protobuf.Field): number {
  if (field.map) return 2;
  if (field.resolvedType instanceof protobuf.Type) return 2;
  if (field.resolvedType instanceof protobuf.Enum) return 0;
  const basic = (protobuf.types.basic as Record<string, number | undefined>)[field.type];
  return basic ?? 2;
}

function isPackable(field: protobuf.Field): boolean {
  if (!field.repeated) return false;
  if (field.resolvedType instanceof protobuf.Enum) return true;
  return (protobuf.types.packed as Record<string, number | undefined>)[field.type] !== undefined;
}

function walk(reader: protobuf.Reader, type: protobuf.Type, end: number, depth: number): string | undefined {
  if (depth > 64) return "message nested too deeply";
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 0) return `invalid field number 0 in ${type.name}`;
    const field = type.fieldsById[id];
    if (!field) {
      reader.skipType(wireType);
      continue;
    }
    const expected = expectedWireType(field);
    const packed = wireType === 2 && isPackable(field);
    if (wireType !== expected && !packed) {
      return `field ${type.name}.${field.name} has wire type ${wireType}, expected ${expected}`;
    }
    if (wireType === 2) {
      const len = reader.uint32();
      const start = reader.pos;
      if (start + len > end) return `field ${type.name}.${field.name} is truncated`;
      if (field.resolvedType instanceof protobuf.Type && !field.map) {
        const problem = walk(reader, field.resolvedType, start + len, depth + 1);
        if (problem) return problem;
      } else if (field.type === "string" && !field.map) {
        try {
          utf8.decode(reader.buf.subarray(start, start + len));
        } catch {
          return `field ${type.name}.${field.name} is not valid UTF-8`;
        }
      }
      reader.pos = start + len;
    } else {
      reader.skipType(wireType);
    }
  }
  if (reader.pos !== end) return `message ${type.name} is truncated`;
  return undefined;
}

/**
 * The message types by full name, looked up once each: Root.lookupType walks
 * the namespace tree on every call, which on the heartbeat path cost ~30 µs per
 * request (2026-12-02 profile, bench/README.md).
 */
const types = new Map<string, protobuf.Type>();

/** The first wire-format problem of `bytes` as a `typeName` message, or undefined. */
export function wireProblem(typeName: string, bytes: Uint8Array): string | undefined {
  let type = types.get(typeName);
  if (!type) {
    type = root.lookupType(typeName);
    types.set(typeName, type);
  }
  try {
    return walk(protobuf.Reader.create(bytes), type, bytes.length, 0);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

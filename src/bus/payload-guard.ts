import { rpcError } from "../rpc/status.ts";
import { parseJsonBody } from "./envelope.ts";

/** Bounds on a JSON body taken from the bus, checked on the raw bytes before JSON.parse. */
export interface PayloadLimits {
  /** At most this many bytes (keep it below the server's max_payload, 1 MB by default). */
  readonly maxBytes: number;
  /** At most this many nested arrays/objects. */
  readonly maxDepth: number;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of arrays and objects in `bytes` read as JSON text,
 * stopping as soon as it passes `limit` (brackets inside strings do not count).
 * One pass over the bytes: cheap even where JSON.parse of the same text would not be.
 */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * Parses a body from the bus as JSON within `limits`, or throws:
 * ResourceExhausted `<what> is N bytes, more than the M allowed`, InvalidArgument
 * `<what> nests deeper than D levels`, or InvalidArgument `invalid request payload: …`.
 */
export function parseBoundedJson(bytes: Uint8Array, limits: PayloadLimits, what: string): unknown {
  if (bytes.length > limits.maxBytes) {
    throw rpcError("ResourceExhausted", `${what} is ${bytes.length} bytes, more than the ${limits.maxBytes} allowed`);
  }
  if (jsonDepthExceeds(bytes, limits.maxDepth)) {
    throw rpcError("InvalidArgument", `${what} nests deeper than ${limits.maxDepth} levels`);
  }
  return parseJsonBody(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
}

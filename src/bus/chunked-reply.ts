import { randomBytes } from "node:crypto";
import { errors, headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { Code, RpcError, rpcError } from "../rpc/status.ts";
import { inboxOf } from "./connection.ts";

/**
 * Replies of any size on core NATS, whatever the server's max_payload.
 *
 * A reply that fits in one message stays one message (no extra round trip).
 * A larger one is published as numbered chunks to the requester's reply
 * subject, each tagged `<transferId> <index> <count> <totalBytes>` in
 * REPLY_CHUNK_HEADER; the requester, which listens on an inbox of its own
 * (nats.js's shared request inbox keeps only the first message), puts them
 * back together. The requester says it can (ACCEPT_CHUNKS_HEADER) so a reply
 * never goes out in pieces nobody reassembles. One publisher's messages reach
 * a subscriber in order, so a chunk that arrives out of turn means one was
 * lost: that ends the call at once (Unavailable); a lost last chunk ends it
 * after `stallMs` without a chunk. Size is bounded on both sides
 * (ResourceExhausted), so a wrong or hostile header cannot make either side
 * hold unbounded memory.
 */
export const REPLY_CHUNK_HEADER = "Swarmbus-Reply-Chunk";
/** Set on a request whose requester reassembles chunked replies. */
export const ACCEPT_CHUNKS_HEADER = "Swarmbus-Accept-Chunks";
/** Largest reply either side handles (listNodes of 5,000 nodes is about 8.5 MB). */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;
/** Longest silence between two chunks of one reply before it counts as cut short. */
export const DEFAULT_STALL_MS = 5_000;
/** Room left in each chunk for the header block and the protocol line. */
const CHUNK_OVERHEAD = 1024;
/** nats.js's own fallback when the server has not sent INFO yet. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** Nobody subscribes to the subject (the server answered 503): the NATS analogue of a refused connection. */
export class NoResponders extends RpcError {
  constructor(readonly subject: string) {
    super(Code.Unavailable, `no responders on ${subject}`);
    this.name = "NoResponders";
  }
}

export interface ChunkTag {
  readonly transferId: string;
  readonly index: number;
  readonly count: number;
  readonly total: number;
}

export const formatChunkTag = (t: ChunkTag): string => `${t.transferId} ${t.index} ${t.count} ${t.total}`;

/** The tag of a header value, or undefined if it is malformed or inconsistent. */
export function parseChunkTag(value: string): ChunkTag | undefined {
  const m = /^([A-Za-z0-9_-]{1,64}) (\d{1,9}) (\d{1,9}) (\d{1,15})$/.exec(value);
  if (!m) return undefined;
  const [index, count, total] = [Number(m[2]), Number(m[3]), Number(m[4])];
  // Every chunk carries at least one byte, so there are never more chunks than bytes.
  if (count < 2 || index >= count || total < count) return undefined;
  return { transferId: m[1] as string, index, count, total };
}

/** The largest message this connection may publish (tests may pass a smaller one). */
export const maxPayloadOf = (nc: NatsConnection, override?: number): number =>
  override ?? nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;

export interface RespondOptions {
  /** Refuse (ResourceExhausted) to send a reply larger than this; default MAX_REPLY_BYTES. */
  readonly maxReplyBytes?: number;
  /** Overrides the server's max_payload (tests). */
  readonly maxPayload?: number;
}

/**
 * Sends `payload` as the reply to `msg`: one message when it fits, chunks
 * otherwise. Throws ResourceExhausted, having sent nothing, when the reply is
 * over the bound or the requester did not say it takes chunks; the caller then
 * answers with a (small) error instead. A message without a reply subject is
 * not answered.
 */
export function respondChunked(nc: NatsConnection, msg: Msg, payload: string | Uint8Array, opts: RespondOptions = {}) {
  if (!msg.reply) return;
  const data = typeof payload === "string" ? Buffer.from(payload) : payload;
  const max = maxPayloadOf(nc, opts.maxPayload);
  if (data.length <= max) {
    msg.respond(data);
    return;
  }
  const bound = opts.maxReplyBytes ?? MAX_REPLY_BYTES;
  if (data.length > bound) {
    throw rpcError("ResourceExhausted", `the reply is ${data.length} bytes, more than the ${bound} bytes allowed`);
  }
  if (msg.headers?.get(ACCEPT_CHUNKS_HEADER) !== "1") {
    throw rpcError(
      "ResourceExhausted",
      `the reply is ${data.length} bytes, more than the NATS server's max_payload (${max}), and the caller cannot take it in chunks`,
    );
  }
  const size = Math.max(1, max - CHUNK_OVERHEAD);
  const count = Math.ceil(data.length / size);
  const transferId = randomBytes(9).toString("base64url");
  for (let index = 0; index < count; index++) {
    const h = headers();
    h.set(REPLY_CHUNK_HEADER, formatChunkTag({ transferId, index, count, total: data.length }));
    nc.publish(msg.reply, data.subarray(index * size, (index + 1) * size), { headers: h });
  }
}

export interface ChunkedRequestOptions {
  /** The caller's deadline: no complete reply by then → DeadlineExceeded `context deadline exceeded`. */
  readonly timeoutMs: number;
  readonly headers?: Record<string, string>;
  /** Names the responder in errors (`the swarmbus daemon "m1"`). */
  readonly what: string;
  /** Refuse (ResourceExhausted) a reply larger than this; default MAX_REPLY_BYTES. */
  readonly maxReplyBytes?: number;
  /** Longest wait for the next chunk once a chunked reply has begun; default DEFAULT_STALL_MS. */
  readonly stallMs?: number;
}

/**
 * A request whose reply may come in chunks: resolves with the whole reply's
 * bytes. Rejects NoResponders; DeadlineExceeded `context deadline exceeded`
 * when no whole reply comes in time; Unavailable when a chunk was lost, the
 * chunks stop coming, or the connection closes; ResourceExhausted for a reply
 * over the bound; Internal for a chunk that does not make sense.
 */
export function requestChunked(
  nc: NatsConnection,
  subject: string,
  body: string | Uint8Array,
  opts: ChunkedRequestOptions,
): Promise<Uint8Array> {
  const bound = opts.maxReplyBytes ?? MAX_REPLY_BYTES;
  const stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
  const h = headers();
  for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
  h.set(ACCEPT_CHUNKS_HEADER, "1");

  return new Promise<Uint8Array>((resolve, reject) => {
    let transfer: { id: string; count: number; total: number; parts: Uint8Array[]; bytes: number } | undefined;
    let stall: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (err: Error | undefined, value?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(stall);
      if (sub && !sub.isClosed()) sub.unsubscribe();
      if (err) reject(err);
      else resolve(value as Uint8Array);
    };
    const cutShort = (why: string) => rpcError("Unavailable", `the reply from ${opts.what} was cut short: ${why}`);
    const progress = () => (transfer ? `${transfer.parts.length} of ${transfer.count} chunks` : "");

    const onChunk = (tag: ChunkTag, data: Uint8Array): void => {
      if (!transfer) {
        if (tag.total > bound) {
          finish(
            rpcError(
              "ResourceExhausted",
              `${opts.what} sent a reply of ${tag.total} bytes, more than the ${bound} bytes allowed`,
            ),
          );
          return;
        }
        transfer = { id: tag.transferId, count: tag.count, total: tag.total, parts: [], bytes: 0 };
      }
      // A second responder's chunks (two daemons under one name): the first reply wins, as with a plain request.
      if (tag.transferId !== transfer.id) return;
      if (tag.count !== transfer.count || tag.total !== transfer.total) {
        finish(rpcError("Internal", `${opts.what} sent a reply chunk that contradicts the earlier ones`));
        return;
      }
      if (tag.index !== transfer.parts.length) {
        finish(cutShort(`chunk ${transfer.parts.length} of ${transfer.count} was lost (chunk ${tag.index} came next)`));
        return;
      }
      if (data.length === 0 || transfer.bytes + data.length > transfer.total) {
        finish(
          rpcError("Internal", `${opts.what} sent a reply chunk of ${data.length} bytes that does not fit the reply`),
        );
        return;
      }
      transfer.parts.push(data);
      transfer.bytes += data.length;
      if (transfer.parts.length < transfer.count) {
        clearTimeout(stall);
        stall = setTimeout(() => finish(cutShort(`no chunk for ${stallMs} ms after ${progress()}`)), stallMs);
        return;
      }
      if (transfer.bytes !== transfer.total) {
        finish(
          rpcError("Internal", `${opts.what} sent ${transfer.bytes} bytes in chunks, announced ${transfer.total}`),
        );
        return;
      }
      finish(undefined, Buffer.concat(transfer.parts, transfer.total));
    };

    const onMsg = (err: Error | null, msg: Msg): void => {
      if (done) return;
      if (err) {
        finish(cutShort(err.message));
        return;
      }
      if (msg.data.length === 0 && msg.headers?.code === 503) {
        if (!transfer) finish(new NoResponders(subject));
        return;
      }
      const tagValue = msg.headers?.get(REPLY_CHUNK_HEADER) ?? "";
      if (tagValue === "") {
        // A whole reply; after a chunked one began, it is another responder's and loses.
        if (!transfer) finish(undefined, msg.data);
        return;
      }
      const tag = parseChunkTag(tagValue);
      if (!tag) {
        finish(rpcError("Internal", `${opts.what} sent a reply chunk with a malformed tag: ${tagValue.slice(0, 100)}`));
        return;
      }
      // Copy: the message's bytes are a view of the client's read buffer.
      onChunk(tag, Uint8Array.from(msg.data));
    };

    const closedError = (e: unknown) =>
      rpcError(
        "Unavailable",
        `the connection to the NATS server is closed${e instanceof Error ? `: ${e.message}` : ""}`,
      );
    let sub: Subscription | undefined;
    try {
      const inbox = inboxOf(nc);
      sub = nc.subscribe(inbox, { callback: onMsg });
      nc.publish(subject, body, { reply: inbox, headers: h });
    } catch (e) {
      const closed = e instanceof errors.ClosedConnectionError || e instanceof errors.DrainingConnectionError;
      done = true;
      if (sub && !sub.isClosed()) sub.unsubscribe();
      reject(closed ? closedError(e) : e);
      return;
    }
    const deadline = setTimeout(
      () =>
        finish(
          rpcError(
            "DeadlineExceeded",
            transfer ? `context deadline exceeded (${opts.what} had sent ${progress()})` : "context deadline exceeded",
          ),
        ),
      Math.max(1, Math.floor(opts.timeoutMs)),
    );
    // The subscription ends with the connection: say so rather than wait out the deadline.
    void sub.closed.then(closedError, closedError).then((e) => finish(e));
  });
}

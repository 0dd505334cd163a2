import { headers } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseChunkTag, REPLY_CHUNK_HEADER } from "../../src/bus/chunked-reply.ts";
import { requestEnvelope } from "../../src/bus/envelope.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { useBus } from "./support/bus.ts";

const bus = useBus(test);

/** A responder that answers `subject` with exactly these (tag, text) messages, in order. */
async function scripted(subject: string, parts: [string | undefined, string][]) {
  bus.daemon.subscribe(subject, {
    max: 1,
    callback: (_e, msg) => {
      for (const [tag, text] of parts) {
        const h = headers();
        if (tag !== undefined) h.set(REPLY_CHUNK_HEADER, tag);
        bus.daemon.publish(msg.reply ?? "", text, tag === undefined ? {} : { headers: h });
      }
    },
  });
  await bus.daemon.flush();
  return rejection(() => requestEnvelope(bus.cli, subject, "{}", { timeoutMs: 5_000, what: "r", stallMs: 2_000 }));
}

test("chunk tags are checked: two or more chunks, index below count, no more chunks than bytes", () => {
  assert.equal(parseChunkTag("abc 1 3 100"), { transferId: "abc", index: 1, count: 3, total: 100 });
  for (const bad of ["abc 0 1 100", "abc 3 3 100", "abc 0 3 2", "abc -1 3 100", "a.b 0 2 10", "abc 0 2", ""]) {
    assert.is(parseChunkTag(bad), undefined, bad);
  }
});

test("a malformed tag, a contradicting count and a wrong total each end the call with Internal", async () => {
  const cases: [string, [string | undefined, string][], RegExp][] = [
    ["v.malformed", [["t 0 2", "{}"]], /^r sent a reply chunk with a malformed tag: t 0 2$/],
    [
      "v.contradicts",
      [
        ["t 0 2 6", '{"ok"'],
        ["t 1 3 6", ":1}"],
      ],
      /^r sent a reply chunk that contradicts the earlier ones$/,
    ],
    [
      "v.total",
      [
        ["t 0 2 40", '{"ok":true,'],
        ["t 1 2 40", '"result":1}'],
      ],
      /^r sent 22 bytes in chunks, announced 40$/,
    ],
    ["v.overflow", [["t 0 2 4", '{"ok":true}']], /^r sent a reply chunk of 11 bytes that does not fit the reply$/],
  ];
  for (const [subject, parts, message] of cases) {
    const e = await scripted(subject, parts);
    assert.ok(isRpcError(e, "Internal"), `${subject}: ${String(e)}`);
    assert.match((e as Error).message, message, subject);
  }
});

test("a second responder's chunks and plain reply are ignored: the first reply wins", async () => {
  bus.daemon.subscribe("v.two", {
    max: 1,
    callback: (_e, msg) => {
      const send = (tag: string | undefined, text: string) => {
        const h = headers();
        if (tag) h.set(REPLY_CHUNK_HEADER, tag);
        bus.daemon.publish(msg.reply ?? "", text, tag ? { headers: h } : {});
      };
      send("first 0 2 22", '{"ok":true,');
      send("second 0 2 22", '{"ok":true,');
      send(undefined, '{"ok":true,"result":"plain"}');
      send("first 1 2 22", '"result":1}');
    },
  });
  await bus.daemon.flush();
  const result = await requestEnvelope(bus.cli, "v.two", "{}", { timeoutMs: 5_000, what: "r" });
  assert.is(result, 1);
});

test.run();

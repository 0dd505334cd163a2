import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseInspectUrl } from "../../src/inspect/stately/inspect-url.ts";
import { isRpcError } from "../../src/rpc/status.ts";

test("--inspect takes a ws:// or wss:// relay URL", () => {
  assert.is(parseInspectUrl("ws://127.0.0.1:8080/source"), "ws://127.0.0.1:8080/source");
  assert.is(parseInspectUrl("wss://inspect.example:443"), "wss://inspect.example:443");
});

test("anything else is InvalidArgument, with an example of what fits", () => {
  for (const bad of ["http://127.0.0.1:8080", "127.0.0.1:8080", "", "ws//x"]) {
    try {
      parseInspectUrl(bad);
      assert.unreachable(`accepted "${bad}"`);
    } catch (e) {
      assert.ok(isRpcError(e, "InvalidArgument"), String(e));
      assert.match((e as Error).message, "--inspect takes the relay's ws:// URL (e.g. ws://127.0.0.1:8090/source)");
    }
  }
});

test.run();

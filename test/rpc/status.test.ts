import { status } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code, codeName, fromWire, RpcError, rpcError, toRpcError } from "../../src/rpc/status.ts";

test("prints what docker prints for a gRPC error", () => {
  const e = rpcError("DeadlineExceeded", "context deadline exceeded");
  assert.is(
    e.dockerText,
    "Error response from daemon: rpc error: code = DeadlineExceeded desc = context deadline exceeded",
  );
});

test("prints plain daemon messages without the rpc wrapper", () => {
  const e = rpcError("Unavailable", "This node is not part of a swarm", { plain: true });
  assert.is(e.dockerText, "Error response from daemon: This node is not part of a swarm");
});

test("codes match grpc-js numbers and Go's names", () => {
  assert.is(Code.Unauthenticated, status.UNAUTHENTICATED);
  assert.is(Code.FailedPrecondition, status.FAILED_PRECONDITION);
  assert.is(codeName(4), "DeadlineExceeded");
  assert.is(codeName(1), "Canceled");
});

test("keeps the code of a grpc-js error and survives the wire", () => {
  const grpcErr = Object.assign(new Error("5 NOT_FOUND: node not registered"), {
    code: status.NOT_FOUND,
    details: "node not registered",
  });
  const e = toRpcError(grpcErr);
  assert.is(e.code, Code.NotFound);
  assert.is(e.message, "node not registered");
  const back = fromWire(JSON.parse(JSON.stringify(e)));
  assert.ok(back instanceof RpcError);
  assert.is(back.grpcText, "rpc error: code = NotFound desc = node not registered");
  assert.is(fromWire({ code: 99, message: "x" }).code, Code.Unknown);
});

test.run();

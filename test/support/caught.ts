import * as assert from "uvu/assert";
import { type RpcError, toRpcError } from "../../src/rpc/status.ts";

/** Runs `f` and returns what it threw; fails the test if it returned. */
export function thrown(f: () => unknown, expected = "expected an error, but the call returned"): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.unreachable(expected);
}

/** Awaits `f` and returns what it rejected with; fails the test if it resolved. */
export async function rejection(
  f: () => Promise<unknown>,
  expected = "expected a rejection, but the call succeeded",
): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.unreachable(expected);
}

/** Runs `f` and returns the error it threw or rejected with as an RpcError (a gRPC error becomes one); fails the test
 * if it succeeded. */
export async function rpcRejection(f: () => unknown, expected?: string): Promise<RpcError> {
  return toRpcError(await rejection(async () => f(), expected));
}

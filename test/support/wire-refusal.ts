import * as assert from "uvu/assert";

/** A reply envelope as it comes off the bus (daemon API, control API, actors). */
export interface WireReply {
  ok: boolean;
  result?: unknown;
  error?: { code: number; message: string };
}

/** SK AuthorizeOrgAndRole's refusal of a caller holding no manager certificate, as gRPC prints it. */
export const NOT_A_MANAGER =
  "rpc error: code = PermissionDenied desc = Permission denied: remote certificate not part of OUs: [swarm-manager]";

/** The reply is a refusal with `code` and exactly `message` (or one that matches it). */
export function assertRefused(r: WireReply, code: number, message: string | RegExp): void {
  assert.is(r.ok, false, "the request is refused");
  assert.is(r.error?.code, code, r.error?.message);
  if (typeof message === "string") assert.is(r.error?.message, message);
  else assert.match(r.error?.message ?? "", message);
}

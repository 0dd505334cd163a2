import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { grpcGoText } from "../../src/rpc/grpc-go-error.ts";

/** The health check's failures read as grpc-go prints them, whatever grpc-js said. */
const err = (code: number, details: string): ServiceError =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });

test("grpc-js's errors become grpc-go's texts", () => {
  const dialing = (what: string) =>
    `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing ${what}"`;
  const cases: [ServiceError, string][] = [
    [
      err(14, "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: "),
      dialing("dial tcp 127.0.0.1:1: connect: connection refused"),
    ],
    [
      err(14, "No connection established. Last error: Error: connect ECONNREFUSED ::1:2377. Resolution note: "),
      dialing("dial tcp [::1]:2377: connect: connection refused"),
    ],
    [
      err(14, "No connection established. Last error: Error: connect EHOSTUNREACH 10.9.9.9:2377"),
      dialing("dial tcp 10.9.9.9:2377: connect: no route to host"),
    ],
    [
      err(14, "Name resolution failed for target dns:nosuch.invalid:2377"),
      dialing("dial tcp: lookup nosuch.invalid: no such host"),
    ],
    [err(4, "Deadline exceeded after 0.501s"), "rpc error: code = DeadlineExceeded desc = context deadline exceeded"],
    [
      err(12, "The server does not implement the method /docker.swarmkit.v1.Health/Check"),
      "rpc error: code = Unimplemented desc = unknown service docker.swarmkit.v1.Health",
    ],
    [
      err(7, "Permission denied: unauthorized peer role: swarm-worker"),
      "rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: swarm-worker",
    ],
  ];
  for (const [e, want] of cases) assert.is(grpcGoText(e), want);
});

test.run();

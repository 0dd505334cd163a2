import { toRpcError } from "../../rpc/status.ts";
import { StatusError } from "../errors/status-error.ts";

/** The text docker prints for a failed call: the CLI's own (a StatusError) as it is, a daemon's as `Error response from daemon: …`. */
export const daemonText = (e: unknown): string => (e instanceof StatusError ? e.status : toRpcError(e).dockerText);

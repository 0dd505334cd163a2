/**
 * docker/cli's cli.StatusError: what a command ends with when it prints its own
 * failure text (`Error: No such node: x`, `Status: …, Code: 1`, a template
 * parsing error) rather than a daemon's error. main prints `status` as it is
 * and exits with `code`. It never crosses the bus, so it is not an RpcError.
 */
export class StatusError extends Error {
  constructor(
    readonly status: string,
    readonly code = 1,
  ) {
    super(status);
    this.name = "StatusError";
  }

  /** docker's StatusError.Error(), which `node inspect` wraps around the inspector's own StatusError. */
  get framed(): string {
    return `Status: ${this.status}, Code: ${this.code}`;
  }
}

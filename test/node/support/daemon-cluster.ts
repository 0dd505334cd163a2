import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import * as assert from "uvu/assert";
import { connectBus } from "../../../src/bus/connection.ts";
import { callDaemon } from "../../../src/bus/daemon-client.ts";
import type { DaemonRequest, DaemonResults, DaemonVerb } from "../../../src/bus/daemon-contract.ts";
import { type NatsServerHandle, startNatsServer } from "../../../src/bus/nats-server.ts";
import { profiles, type TimingProfile } from "../../../src/config/profile.ts";
import { type DaemonHandle, type DaemonOptions, runDaemon } from "../../../src/node/daemon.ts";
import { RpcError } from "../../../src/rpc/status.ts";
import { rejection } from "../../support/caught.ts";

/** A nats-server, a CLI-side connection and in-process daemons, all closed by stop(). */
export class DaemonCluster {
  private readonly daemons = new Map<string, DaemonHandle>();
  private readonly dirs: string[] = [];
  private constructor(
    readonly nats: NatsServerHandle,
    readonly nc: NatsConnection,
  ) {}

  static async start(): Promise<DaemonCluster> {
    const nats = await startNatsServer();
    const nc = await connectBus(nats, "test-cli");
    return new DaemonCluster(nats, nc);
  }

  async stateDir(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), "swarmbus-daemon-"));
    this.dirs.push(d);
    return d;
  }

  async daemon(
    name: string,
    stateDir?: string,
    profile: TimingProfile = profiles.fast,
    /** Other credentials than the harness's for `name` (e.g. a copy away from the bus signer). */
    natsCreds?: string,
    /** More daemon options (a faulty disk under the Raft storage). */
    more: Pick<DaemonOptions, "raftFs"> = {},
  ): Promise<string> {
    const dir = stateDir ?? (await this.stateDir());
    this.daemons.set(
      name,
      await runDaemon({
        name,
        stateDir: dir,
        natsUrl: this.nats.url,
        natsCreds: natsCreds ?? (await this.nats.credsForNode(name)),
        natsCa: this.nats.ca,
        profile,
        ...more,
      }),
    );
    return dir;
  }

  async stopDaemon(name: string): Promise<void> {
    await this.daemons.get(name)?.stop();
    this.daemons.delete(name);
  }

  call<V extends DaemonVerb>(name: string, verb: V, req: DaemonRequest<V>): Promise<DaemonResults[V]> {
    return callDaemon(this.nc, name, verb, req, { timeoutMs: 20_000 });
  }

  /** The RpcError a call fails with (fails the test if it succeeds). */
  async callError<V extends DaemonVerb>(name: string, verb: V, req: DaemonRequest<V>): Promise<RpcError> {
    const e = await rejection(() => this.call(name, verb, req), `${verb} on ${name} succeeded, expected an error`);
    assert.ok(e instanceof RpcError, `not an RpcError: ${String(e)}`);
    return e;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.daemons.values()].map((d) => d.stop()));
    this.daemons.clear();
    await this.nc.close();
    await this.nats.stop();
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

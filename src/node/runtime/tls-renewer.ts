import type { Logger } from "pino";
import type { IssuedIdentity, TlsRole } from "../../ca/credentials.ts";
import { statusPollBackoffMs } from "../../ca/join-retry.ts";
import { requestRenewedCertificate } from "../../ca/renew.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { toRpcError } from "../../rpc/status.ts";
import { readNodeCertificate, readNodeKey, readRootCACertificate } from "../state-dir.ts";
import type { NodeState } from "./node-state.ts";
import type { RunEpoch } from "./run-epoch.ts";

/**
 * SK ca.TLSRenewer, for forced renewals (a role change): after renewDelayMs it
 * asks a manager's CA for a certificate signed with the node's key, and
 * retries with backoff until the certificate carries the expected role (one
 * that does not counts as a failure: the CA signs with the observed role,
 * which a demotion changes only once the node left Raft). The certificate is
 * then saved and `renewed` tells the node its role: the manager starts or
 * stops from the certificate, never from a SessionMessage.
 */
export class TlsRenewer {
  private expected: TlsRole | null = null;
  private running: AbortController | null = null;
  /** Ends the loop's current wait early (a new Renew while one waits). */
  private wake: (() => void) | null = null;

  constructor(
    private readonly state: NodeState,
    private readonly profile: TimingProfile,
    private readonly epoch: RunEpoch,
    private readonly renewed: (identity: IssuedIdentity["identity"]) => void,
    private readonly log: Logger,
  ) {}

  /** SK SetExpectedRole: the role a renewed certificate must carry; null keeps the current one. */
  setExpectedRole(role: TlsRole | null): void {
    if (role) this.expected = role;
  }

  /** SK Renew: a renewal now (after renewDelayMs), unless the certificate already has the expected role. */
  renew(): void {
    if (this.running) {
      this.wake?.();
      return;
    }
    const run = new AbortController();
    this.running = run;
    void this.loop(run.signal)
      .catch((e: unknown) => this.log.error({ err: String(e) }, "certificate renewal stopped"))
      .finally(() => {
        if (this.running === run) this.running = null;
      });
  }

  /** The run ends (a restart, a leave): no renewal outlives it. */
  stop(): void {
    this.running?.abort();
    this.running = null;
    this.expected = null;
    this.wake?.();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const mark = this.epoch.mark();
    let wait = this.profile.renewDelayMs;
    for (let failures = 0; ; ) {
      await this.sleep(wait, signal);
      if (signal.aborted || !mark.current()) return;
      const identity = this.state.identity;
      if (!identity || !this.expected || identity.role === this.expected) return;
      const outcome = await this.attempt(failures, signal).catch((e: unknown) => toRpcError(e).message);
      if (signal.aborted || !mark.current()) return;
      if (typeof outcome !== "string" && outcome.identity.role === this.expected) {
        await this.state.saveCertificate(outcome);
        this.renewed(outcome.identity);
        return;
      }
      failures++;
      const why = typeof outcome === "string" ? outcome : `certificate role ${outcome.identity.role}`;
      this.log.warn({ err: why, expected: this.expected }, "failed to renew the node certificate");
      wait = statusPollBackoffMs(failures, {
        certStatusBackoffBaseMs: this.profile.renewBackoffBaseMs,
        certStatusBackoffMaxMs: this.profile.renewBackoffMaxMs,
      });
    }
  }

  /** One renewal, from one of the managers the node knows (another than itself when there is one). */
  private async attempt(failures: number, signal: AbortSignal): Promise<IssuedIdentity> {
    const self = this.state.identity?.nodeId;
    const known = this.state.managersFile.known();
    const others = known.filter((p) => p.NodeID !== self);
    const peers = others.length > 0 ? others : known;
    const peer = peers[failures % Math.max(peers.length, 1)];
    if (!peer) throw new Error("no known manager to renew the certificate with");
    const swarmDir = this.state.swarmDir;
    const [certificate, key, rootCACertificate] = await Promise.all([
      readNodeCertificate(swarmDir),
      readNodeKey(swarmDir),
      readRootCACertificate(swarmDir),
    ]);
    if (!certificate || !rootCACertificate) throw new Error("no node certificate to renew");
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(this.profile.caRequestTimeoutMs * 3)]);
    return requestRenewedCertificate({
      remoteAddr: peer.Addr,
      profile: this.profile,
      signal: bounded,
      certificate,
      key,
      rootCACertificate,
    });
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}

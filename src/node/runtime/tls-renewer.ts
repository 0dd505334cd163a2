import type { Logger } from "pino";
import type { IssuedIdentity, TlsRole } from "../../ca/credentials.ts";
import { certificatesFromPem } from "../../ca/pki/pem.ts";
import { requestRenewedCertificate } from "../../ca/renew.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { toRpcError } from "../../rpc/status.ts";
import { readNodeCertificate, readNodeKey, readRootCACertificate } from "../state-dir.ts";
import type { NodeState } from "./node-state.ts";
import { type CertificateValidity, RenewalSchedule } from "./renewal-schedule.ts";
import type { RunEpoch } from "./run-epoch.ts";

/** Where the renewer reads the time and draws its random points; a test passes its own. */
export interface RenewalClock {
  now(): number;
  random(): number;
}

const systemClock: RenewalClock = { now: () => Date.now(), random: Math.random };

/** Node's setTimeout fires at once past 2^31-1 ms (24.8 days); longer waits are slept in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * SK ca.TLSRenewer, for the whole run of a node: it renews the certificate at
 * a random point of its 50–80 % window (RenewalSchedule), and at once (after
 * renewDelayMs) when forced by a role change. A renewal asks a manager's CA for
 * a certificate signed with the node's key; a failure, or a certificate without
 * the expected role (the CA signs with the observed role, which a demotion
 * changes only once the node left Raft), is retried with backoff. The new
 * certificate is saved and `renewed` tells the node its role: the manager
 * starts or stops from the certificate, never from a SessionMessage.
 */
export class TlsRenewer {
  private expected: TlsRole | null = null;
  private running: AbortController | null = null;
  /** Ends the loop's current wait early (a forced renewal while it waits). */
  private wake: (() => void) | null = null;
  /** A forced renewal came and its renewDelayMs pause is still to be made. */
  private pausePending = false;
  /** Renewal attempts so far: each failed one turns to the next known manager. */
  private attempts = 0;
  private readonly schedule: RenewalSchedule;

  constructor(
    private readonly state: NodeState,
    private readonly profile: TimingProfile,
    private readonly epoch: RunEpoch,
    private readonly renewed: (identity: IssuedIdentity["identity"]) => void,
    private readonly log: Logger,
    private readonly clock: RenewalClock = systemClock,
  ) {
    this.schedule = new RenewalSchedule(profile, () => clock.random());
  }

  /** SK SetExpectedRole: the role a renewed certificate must carry; null keeps the current one. */
  setExpectedRole(role: TlsRole | null): void {
    if (role) this.expected = role;
  }

  /** SK TLSRenewer.Start: the node's identity is loaded; its certificate renews in its window from now on. */
  start(): void {
    if (this.running) return;
    const run = new AbortController();
    this.running = run;
    void this.loop(run.signal)
      .catch((e: unknown) => this.log.error({ err: String(e) }, "certificate renewal stopped"))
      .finally(() => {
        if (this.running === run) this.running = null;
      });
  }

  /** SK Renew: a renewal now (after renewDelayMs), unless the certificate already has the expected role. */
  renew(): void {
    this.schedule.force();
    this.pausePending = true;
    if (this.running) this.wake?.();
    else this.start();
  }

  /** The run ends (a restart, a leave): no renewal outlives it. */
  stop(): void {
    this.running?.abort();
    this.running = null;
    this.expected = null;
    this.pausePending = false;
    this.schedule.succeeded();
    this.wake?.();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const mark = this.epoch.mark();
    const live = () => !signal.aborted && mark.current();
    while (live()) {
      const wait = this.schedule.next(await this.validity(), this.clock.now());
      this.log.debug({ waitMs: wait.ms, reason: wait.reason }, "next certificate renewal scheduled");
      await this.sleep(wait.ms, signal);
      // SK: a forced renewal pauses briefly first, for the CA to reconcile the desired role.
      while (this.pausePending && live()) {
        this.pausePending = false;
        await this.sleep(this.profile.renewDelayMs, signal);
      }
      if (!live()) return;
      const identity = this.state.identity;
      if (!identity) return;
      if (this.schedule.forced && (!this.expected || identity.role === this.expected)) {
        this.schedule.cancelForced();
        continue;
      }
      this.log.info({ forced: this.schedule.forced }, "renewing certificate");
      await this.renewOnce(signal, live);
      // A forced renewal asked for during this attempt is still to be made.
      if (this.pausePending) this.schedule.force();
    }
  }

  /** One renewal: saved and announced when it carries the expected role, else a failure for the backoff. */
  private async renewOnce(signal: AbortSignal, live: () => boolean): Promise<void> {
    const outcome = await this.attempt(signal).catch((e: unknown) => toRpcError(e).message);
    if (!live()) return;
    if (typeof outcome !== "string" && (!this.expected || outcome.identity.role === this.expected)) {
      await this.state.saveCertificate(outcome);
      this.schedule.succeeded();
      this.renewed(outcome.identity);
      return;
    }
    this.schedule.failed();
    const why = typeof outcome === "string" ? outcome : `certificate role ${outcome.identity.role}`;
    this.log.warn({ err: why, expected: this.expected }, "failed to renew the node certificate");
  }

  /** SK readCertValidity: swarm-node.crt's NotBefore and NotAfter, or null when they cannot be read. */
  private async validity(): Promise<CertificateValidity | null> {
    try {
      const cert = certificatesFromPem((await readNodeCertificate(this.state.swarmDir)) ?? Buffer.alloc(0))[0];
      if (cert) return { notBefore: cert.notBefore, notAfter: cert.notAfter };
    } catch {
      // Reported below, as SwarmKit does, and retried after the fallback wait.
    }
    this.log.error("failed to read the expiration of the TLS certificate");
    return null;
  }

  /** One renewal, from one of the managers the node knows (another than itself when there is one). */
  private async attempt(signal: AbortSignal): Promise<IssuedIdentity> {
    const self = this.state.identity?.nodeId;
    const known = this.state.managersFile.known();
    const others = known.filter((p) => p.NodeID !== self);
    const peers = others.length > 0 ? others : known;
    const peer = peers[this.attempts++ % Math.max(peers.length, 1)];
    if (!peer) throw new Error("no known manager to renew the certificate with");
    const swarmDir = this.state.swarmDir;
    const [certificate, key, rootCACertificate, nkey] = await Promise.all([
      readNodeCertificate(swarmDir),
      readNodeKey(swarmDir),
      readRootCACertificate(swarmDir),
      this.state.bus.key(),
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
      natsUserKey: nkey.publicKey,
    });
  }

  /** Waits `ms` (in steps under Node's timer limit), or until aborted or woken by a forced renewal. */
  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0 && !signal.aborted; left = until - Date.now()) {
      if (await this.sleepStep(Math.min(left, MAX_TIMER_MS), signal)) return;
    }
  }

  /** One timer; true when it was cut short. */
  private sleepStep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(true);
      const finish = (early: boolean) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(early);
      };
      const timer = setTimeout(() => finish(false), ms);
      timer.unref();
      this.wake = () => finish(true);
    });
  }
}

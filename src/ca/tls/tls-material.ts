/** What a node presents and trusts on the gRPC port: its root CA, its certificate and its key (PEM). */
export interface TlsMaterial {
  readonly rootCA: Buffer;
  readonly certificate: Buffer;
  readonly key: Buffer;
}

/**
 * SK MutableTLSCreds: the node's TLS material, which changes at run time (a
 * renewal or a role change reissues the certificate; a manager keeps the root
 * current). Whoever presents it (the manager's listener, the agent's and the
 * manager's channels) reads `current` for each new connection, or listens.
 */
export class LiveTlsMaterial {
  private material: TlsMaterial;
  private readonly listeners = new Set<(m: TlsMaterial) => void>();

  constructor(initial: TlsMaterial) {
    this.material = initial;
  }

  get current(): TlsMaterial {
    return this.material;
  }

  /** A new certificate (same key) or root: listeners hear it only when something changed. */
  update(change: Partial<TlsMaterial>): void {
    const next = { ...this.material, ...change };
    const m = this.material;
    if (next.rootCA.equals(m.rootCA) && next.certificate.equals(m.certificate) && next.key.equals(m.key)) return;
    this.material = next;
    for (const l of [...this.listeners]) l(next);
  }

  /** Calls `fn` on every change; returns the unsubscribe. */
  onChange(fn: (m: TlsMaterial) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

import { experimental } from "@grpc/grpc-js";
import type { NodeIdentity, PeerCall, ServerSideCredentials, TlsRole } from "../credentials.ts";
import { ALL_ROLES, authorizeCaller, authorizeOrgAndRole } from "./peer-identity.ts";
import type { LiveTlsMaterial, TlsMaterial } from "./tls-material.ts";

/**
 * A manager's side of mutual TLS on its port (SK ca.NewServerTLSConfig): it
 * presents its node certificate, asks every client for one and verifies it
 * against the swarm's root, but lets a client without one in (Go's
 * VerifyClientCertIfGiven): the bootstrap calls (root download, a join with a
 * token, the status of one's own request) take unauthenticated TLS. Every other
 * call is authorized from the verified certificate (peer-identity.ts).
 *
 * The certificate and root come from a certificate provider fed by the node's
 * live material: a renewed or reissued certificate is presented to the next
 * connection, without closing the port.
 */
export function tlsServerCredentials(material: LiveTlsMaterial, clusterId: string): ServerSideCredentials {
  const provider = new LiveCertificateProvider(material);
  const creds = experimental.createCertificateProviderServerCredentials(provider, provider, false);
  // grpc-js reads the credentials' context before it watches them: one watcher first makes it current.
  creds._addWatcher(() => {});
  return {
    serverCredentials: () => creds,
    authenticate: (call: PeerCall, roles: readonly TlsRole[] = ALL_ROLES): NodeIdentity =>
      authorizeCaller(call, clusterId, roles),
    authenticatePeer: (call: PeerCall, roles: readonly TlsRole[]) => authorizeOrgAndRole(call, clusterId, roles),
  };
}

type CertificateProvider = experimental.CertificateProvider;
type CaListener = Parameters<CertificateProvider["addCaCertificateListener"]>[0];
type IdentityListener = Parameters<CertificateProvider["addIdentityCertificateListener"]>[0];

/** grpc-js's CertificateProvider over the node's live TLS material. */
class LiveCertificateProvider implements CertificateProvider {
  private readonly ca = new Set<CaListener>();
  private readonly identity = new Set<IdentityListener>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly material: LiveTlsMaterial) {}

  addCaCertificateListener(l: CaListener): void {
    this.ca.add(l);
    this.watch();
    l({ caCertificate: this.material.current.rootCA });
  }

  removeCaCertificateListener(l: CaListener): void {
    this.ca.delete(l);
    this.unwatchIfIdle();
  }

  addIdentityCertificateListener(l: IdentityListener): void {
    this.identity.add(l);
    this.watch();
    const m = this.material.current;
    l({ certificate: m.certificate, privateKey: m.key });
  }

  removeIdentityCertificateListener(l: IdentityListener): void {
    this.identity.delete(l);
    this.unwatchIfIdle();
  }

  private watch(): void {
    this.unsubscribe ??= this.material.onChange((m: TlsMaterial) => {
      for (const l of [...this.ca]) l({ caCertificate: m.rootCA });
      for (const l of [...this.identity]) l({ certificate: m.certificate, privateKey: m.key });
    });
  }

  private unwatchIfIdle(): void {
    if (this.ca.size > 0 || this.identity.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

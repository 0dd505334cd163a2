import { cpus, totalmem } from "node:os";
import type { NodeTLSInfo } from "../ca/pki/tls-info.ts";
import type { NodeDescription } from "../gen/docker/swarmkit/v1/NodeDescription.ts";

/** The engine version this node reports (docker's EngineVersion, a plain semver): the package version. */
export const ENGINE_VERSION = "0.1.0";

/** Go's GOARCH names for Node's process.arch, as docker reports them. */
const ARCH: Record<string, string> = { x64: "x86_64", arm64: "aarch64", arm: "armv7l", ia32: "i386" };

/**
 * What Executor.Describe returns for this node (hostname = the daemon's name),
 * with the TLS info the agent adds: the root CA it trusts and its certificate's
 * issuer (SK agent nodeDescriptionWithHostname).
 */
export function nodeDescription(hostname: string, tls: NodeTLSInfo | null = null): NodeDescription {
  return {
    hostname,
    platform: { architecture: ARCH[process.arch] ?? process.arch, os: process.platform },
    resources: { nano_cpus: String(cpus().length * 1e9), memory_bytes: String(totalmem()) },
    engine: { engine_version: ENGINE_VERSION, labels: {} },
    ...(tls
      ? {
          tls_info: {
            trust_root: tls.trustRoot,
            cert_issuer_subject: tls.certIssuerSubject,
            cert_issuer_public_key: tls.certIssuerPublicKey,
          },
        }
      : {}),
  };
}

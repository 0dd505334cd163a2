import { X509Certificate } from "node:crypto";
import { issueManagerJwt, type StoredAccountSigner } from "../../bus/auth/manager-credentials.ts";
import type { NodeIdentity } from "../../ca/credentials.ts";
import { newId } from "../../ca/ids.ts";
import { createNodeKeyAndCSR } from "../../ca/pki/node-csr.ts";
import { signNodeCertificate } from "../../ca/pki/sign-node-certificate.ts";
import { createRootCA } from "../../ca/pki/signing-root-ca.ts";
import type { BootstrapCA } from "../../manager/api.ts";
import { generateUnlockKey } from "../../manager/deks/unlock-key.ts";
import { DEFAULT_LISTEN_ADDR } from "../addresses.ts";
import { emptyStartConfig, type StartConfig } from "../start-config-file.ts";
import { useNewKek, writeNodeKeyPair, writeRootCACertificate } from "../state-dir.ts";
import type { NodeState } from "./node-state.ts";

export interface InitParams {
  listenAddr?: string;
  advertiseAddr?: string;
  /** `--autolock`: the managers' keys are encrypted under an unlock key. */
  autoLockManagers?: boolean;
}

/** The daemon's --listen-addr / --advertise-addr, used when a request gives none. */
export interface DaemonAddrs {
  readonly listenAddr?: string;
  readonly advertiseAddr?: string;
}

/** The start config of `swarm init`. */
export function initStartConfig(p: InitParams, daemon: DaemonAddrs): StartConfig {
  return {
    ...emptyStartConfig(),
    ListenAddr: p.listenAddr ?? daemon.listenAddr ?? DEFAULT_LISTEN_ADDR,
    AdvertiseAddr: p.advertiseAddr ?? daemon.advertiseAddr ?? "",
  };
}

/**
 * SK loadSecurityConfig without a join address: the first manager creates the
 * root CA (swarm-root-ca.crt), a key and a certificate it signs for itself with a
 * fresh node ID and cluster ID (swarm-node.key, swarm-node.crt). The root with
 * its key goes on to the manager, which keeps it in the cluster object. With
 * `autoLock`, a new KEK (the unlock key) encrypts the key from the start, and
 * the manager puts it in the cluster object (SK node.go, defaultClusterObject).
 * With the swarm NATS account's signer (the daemon's), the first manager's bus
 * credentials are issued here, and the signer goes to the cluster object too.
 */
export async function bootstrapIdentity(
  state: NodeState,
  autoLock: boolean,
  natsSigner?: StoredAccountSigner,
): Promise<{ identity: NodeIdentity; ca: BootstrapCA }> {
  const identity: NodeIdentity = { nodeId: newId(), role: "swarm-manager", clusterId: newId() };
  const rootCA = await createRootCA();
  const { key, csr } = await createNodeKeyAndCSR();
  const nodeCertificate = await signNodeCertificate(rootCA, csr, identity);
  await writeRootCACertificate(state.swarmDir, rootCA.certificate);
  useNewKek(state.swarmDir, autoLock ? generateUnlockKey() : null);
  await writeNodeKeyPair(state.swarmDir, nodeCertificate, key);
  // The first manager's bus credentials, issued here as its certificate is (the CA issues the others').
  const expiresAt = new Date(new X509Certificate(nodeCertificate).validTo);
  const jwt = natsSigner
    ? await issueManagerJwt(natsSigner, identity, (await state.bus.key()).publicKey, expiresAt)
    : undefined;
  await state.bus.save(identity, jwt);
  await state.saveStartConfig();
  return { identity, ca: { rootCA, nodeCertificate, ...(natsSigner ? { natsSigner } : {}) } };
}

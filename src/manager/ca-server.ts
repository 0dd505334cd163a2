import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import { issueManagerJwt, type StoredAccountSigner } from "../bus/auth/manager-credentials.ts";
import { assertUserPublicKey } from "../bus/auth/node-nkey.ts";
import type { PeerCall, ServerSideCredentials } from "../ca/credentials.ts";
import { newId } from "../ca/ids.ts";
import { JOIN_TOKEN_REQUIRED, roleForToken } from "../ca/join-token.ts";
import { effectiveNodeCertExpiryMs, signNodeCertificate } from "../ca/pki/sign-node-certificate.ts";
import type { GetRootCACertificateRequest__Output } from "../gen/docker/swarmkit/v1/GetRootCACertificateRequest.ts";
import type { GetRootCACertificateResponse } from "../gen/docker/swarmkit/v1/GetRootCACertificateResponse.ts";
import type { IssueNodeCertificateRequest__Output } from "../gen/docker/swarmkit/v1/IssueNodeCertificateRequest.ts";
import type { IssueNodeCertificateResponse } from "../gen/docker/swarmkit/v1/IssueNodeCertificateResponse.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { NodeCertificateStatusRequest__Output } from "../gen/docker/swarmkit/v1/NodeCertificateStatusRequest.ts";
import type { NodeCertificateStatusResponse } from "../gen/docker/swarmkit/v1/NodeCertificateStatusResponse.ts";
import { rpcError, toRpcError } from "../rpc/status.ts";
import { renewedNode, renewingCaller } from "./ca-renewal.ts";
import { decoded, type MalformedRequest } from "./safe-service.ts";
import type { Store } from "./store.ts";

/**
 * SwarmKit's CA server (SK: ca/server.go), cut to joining: IssueNodeCertificate
 * creates the Node (Role = DesiredRole = the token's role, Membership ACCEPTED,
 * certificate PENDING); the signer (a store watcher, as the signing reconciler)
 * then signs the node's CSR with the cluster's root CA key (CN = node ID, OU =
 * the certificate's role, O = cluster ID); NodeCertificateStatus waits until the
 * certificate is ISSUED (or FAILED, when the CSR cannot be signed).
 */
export const CA_STOPPED = "CA signer is stopped";

type Req<T> = T | MalformedRequest;

export function newNodeObject(
  nodeId: string,
  role: "WORKER" | "MANAGER",
  availability: "ACTIVE" | "PAUSE" | "DRAIN",
  csr: Buffer = Buffer.alloc(0),
  natsUserKey = "",
): Node__Output {
  return {
    id: nodeId,
    meta: null,
    spec: { annotations: { name: "", labels: {} }, desired_role: role, membership: "ACCEPTED", availability },
    description: null,
    status: { state: "UNKNOWN", message: "", addr: "" },
    manager_status: null,
    certificate: {
      role,
      csr,
      status: { state: "PENDING", err: "" },
      certificate: Buffer.alloc(0),
      cn: nodeId,
      nats_user_key: natsUserKey,
      nats_user_jwt: "",
    },
    role,
  };
}

export class CAServer {
  private running = false;
  private unwatchSigner: (() => void) | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly clusterId: () => string,
    private readonly credentials: ServerSideCredentials,
  ) {}

  start(): void {
    this.running = true;
    this.unwatchSigner = this.store.watch((e) => {
      if (e.kind === "node" && e.action !== "delete" && awaitsSigning(e.node)) {
        const id = e.node.id;
        queueMicrotask(() => this.sign(id));
      }
    });
    for (const n of this.store.view((tx) => tx.nodes())) {
      if (awaitsSigning(n)) this.sign(n.id);
    }
  }

  stop(): void {
    this.running = false;
    this.unwatchSigner?.();
    for (const w of [...this.waiters]) w();
  }

  /**
   * evaluateAndSignNodeCert: a PENDING (or RENEW) certificate is signed with OU from its
   * role (ParseRole(node.Certificate.Role)) and set ISSUED; a CSR that cannot be
   * signed sets FAILED. Signing is async: the node is written only if its
   * certificate is still the PENDING one that was signed.
   */
  private sign(nodeId: string): void {
    if (!this.running) return;
    const pending = this.store.view((tx) => {
      const node = tx.node(nodeId);
      const cluster = tx.cluster();
      return node && awaitsSigning(node) && cluster ? { node, cluster } : undefined;
    });
    const cert = pending?.node.certificate;
    if (!pending || !cert) return;
    const { rootCA, spec } = pending.cluster;
    const role = cert.role === "MANAGER" ? "swarm-manager" : "swarm-worker";
    const subject = { nodeId, role, clusterId: this.clusterId() } as const;
    Promise.all([
      signNodeCertificate(
        { certificate: rootCA.caCert, key: rootCA.caKey },
        cert.csr,
        subject,
        spec.caConfig.nodeCertExpiryMs,
      ),
      busCredentialFor(
        cert,
        rootCA.natsSigner,
        subject,
        new Date(Date.now() + effectiveNodeCertExpiryMs(spec.caConfig.nodeCertExpiryMs)),
      ),
    ])
      .then(
        ([certificate, natsUserJwt]) =>
          ({ status: { state: "ISSUED", err: "" }, certificate, nats_user_jwt: natsUserJwt }) as const,
        (e: unknown) =>
          ({
            status: { state: "FAILED", err: toRpcError(e).message },
            certificate: Buffer.alloc(0),
            nats_user_jwt: "",
          }) as const,
      )
      .then((signed) =>
        this.store.update((tx) => {
          const node = tx.node(nodeId);
          const now = node?.certificate;
          if (!node || !now || !awaitsSigning(node) || !now.csr.equals(cert.csr)) return;
          tx.putNode({ ...node, certificate: { ...now, ...signed } });
        }),
      )
      .catch(() => {
        // Lost leadership: the next leader's signer picks the PENDING node up on start.
      });
  }

  issueNodeCertificate(
    call: ServerUnaryCall<Req<IssueNodeCertificateRequest__Output>, IssueNodeCertificateResponse>,
    cb: sendUnaryData<IssueNodeCertificateResponse>,
  ): void {
    try {
      const req = decoded(call.request);
      // SK: a request without a CSR is refused before anything else is looked at.
      if (req.csr.length === 0) throw rpcError("InvalidArgument", "InvalidArgument");
      // A node without bus credentials of its own sends no key; any other must be a NATS user key.
      if (req.nats_user_key !== "") assertUserPublicKey(req.nats_user_key);
      if (!this.running) throw rpcError("Aborted", CA_STOPPED);
      const caller = req.token === "" ? renewingCaller(call, this.credentials) : null;
      if (caller) {
        this.renew(caller.nodeId, req, cb);
        return;
      }
      this.join(req, cb);
    } catch (e) {
      cb(toRpcError(e).toServiceError());
    }
  }

  /** SK issueRenewCertificate: a caller whose certificate is accepted renews (any other needs a join token). */
  private renew(
    nodeId: string,
    req: IssueNodeCertificateRequest__Output,
    cb: sendUnaryData<IssueNodeCertificateResponse>,
  ): void {
    const csr = Buffer.from(req.csr);
    this.store
      .update((tx) => {
        const node = renewedNode(tx.node(nodeId), nodeId, csr, req.nats_user_key);
        tx.putNode(node);
        return node.spec?.membership ?? "ACCEPTED";
      })
      .then((membership) => cb(null, { node_id: nodeId, node_membership: membership }))
      .catch((e: unknown) => cb(toRpcError(e).toServiceError()));
  }

  /** A join: the token names the role; a new Node with a PENDING certificate. */
  private join(req: IssueNodeCertificateRequest__Output, cb: sendUnaryData<IssueNodeCertificateResponse>): void {
    try {
      const tokens = this.store.view((tx) => tx.cluster()?.rootCA.joinTokens);
      if (!tokens || req.token === "") throw rpcError("InvalidArgument", JOIN_TOKEN_REQUIRED);
      const role = roleForToken(req.token, tokens) === "manager" ? "MANAGER" : "WORKER";
      const availability = req.availability;
      if (!["ACTIVE", "PAUSE", "DRAIN"].includes(availability)) {
        throw rpcError("InvalidArgument", `invalid availability ${String(availability)}`);
      }
      this.store
        .update((tx) => {
          for (let i = 0; i < 3; i++) {
            const id = newId();
            if (tx.node(id)) continue;
            const accepted = availability as "ACTIVE" | "PAUSE" | "DRAIN";
            tx.putNode(newNodeObject(id, role, accepted, Buffer.from(req.csr), req.nats_user_key));
            return id;
          }
          throw rpcError("Internal", "failed to generate a unique node ID");
        })
        .then(
          (nodeId) => cb(null, { node_id: nodeId, node_membership: "ACCEPTED" }),
          (e: unknown) => cb(toRpcError(e).toServiceError()),
        );
    } catch (e) {
      cb(toRpcError(e).toServiceError());
    }
  }

  nodeCertificateStatus(
    call: ServerUnaryCall<Req<NodeCertificateStatusRequest__Output>, NodeCertificateStatusResponse>,
    cb: sendUnaryData<NodeCertificateStatusResponse>,
  ): void {
    let nodeId: string;
    try {
      if (!this.running) throw rpcError("Aborted", CA_STOPPED);
      nodeId = decoded(call.request).node_id;
      if (nodeId === "") throw rpcError("InvalidArgument", "node_id is required");
    } catch (e) {
      cb(toRpcError(e).toServiceError());
      return;
    }
    let done = false;
    const finish = (err: unknown, res?: NodeCertificateStatusResponse) => {
      if (done) return;
      done = true;
      unwatch();
      this.waiters.delete(abort);
      if (err) cb(toRpcError(err).toServiceError());
      else cb(null, res ?? null);
    };
    const abort = () => finish(rpcError("Aborted", CA_STOPPED));
    const check = () => {
      const node = this.store.view((tx) => tx.node(nodeId));
      if (!node) return finish(rpcError("NotFound", `node ${nodeId} not found`));
      const cert = node.certificate;
      const state = cert?.status?.state;
      if (cert && (state === "ISSUED" || state === "ROTATE" || state === "FAILED")) {
        finish(null, { status: cert.status, certificate: this.shownCertificate(call, node) });
      }
    };
    const unwatch = this.store.watch((e) => {
      if (e.kind === "node" && e.node.id === nodeId) check();
    });
    this.waiters.add(abort);
    call.on("cancelled", () => finish(rpcError("Canceled", "context canceled")));
    check();
  }

  /**
   * SK answers the status with the node's certificate to any caller that
   * knows the node ID. Here the certificate (and with it the cluster ID) goes
   * to the joiner until the node first registers a session, and after that
   * only to the node itself (its own verified certificate, a renewal): a
   * stranger on the port learns the state and nothing else.
   */
  private shownCertificate(call: PeerCall, node: Node__Output): Node__Output["certificate"] {
    if (node.description === null) return node.certificate;
    const caller = renewingCaller(call, this.credentials);
    return caller?.nodeId === node.id ? node.certificate : null;
  }

  getRootCACertificate(
    call: ServerUnaryCall<Req<GetRootCACertificateRequest__Output>, GetRootCACertificateResponse>,
    cb: sendUnaryData<GetRootCACertificateResponse>,
  ): void {
    try {
      decoded(call.request);
      const cert = this.store.view((tx) => tx.cluster()?.rootCA.caCert);
      if (!cert) throw rpcError("Unavailable", "root CA is not available yet");
      cb(null, { certificate: cert });
    } catch (e) {
      cb(toRpcError(e).toServiceError());
    }
  }

  nodeCAHandlers(): UntypedServiceImplementation {
    return {
      IssueNodeCertificate: this.issueNodeCertificate.bind(this),
      NodeCertificateStatus: this.nodeCertificateStatus.bind(this),
    };
  }

  rootCAHandlers(): UntypedServiceImplementation {
    return { GetRootCACertificate: this.getRootCACertificate.bind(this) };
  }
}

/**
 * swarmbus: a manager's certificate comes with its bus credential, a user JWT
 * for the nkey the node sent (its manager permissions: src/bus/auth/permissions.ts);
 * a worker's, or one for a node that sent no key or of a cluster without a
 * signer, with none ("").
 */
async function busCredentialFor(
  cert: NonNullable<Node__Output["certificate"]>,
  signer: StoredAccountSigner | undefined,
  subject: { nodeId: string; role: "swarm-manager" | "swarm-worker"; clusterId: string },
  certExpiresAt: Date,
): Promise<string> {
  const key = cert.nats_user_key ?? "";
  if (subject.role !== "swarm-manager" || key === "" || !signer) return "";
  return issueManagerJwt(signer, subject, key, certExpiresAt);
}

/** The signer's work (SK evaluateAndSignNodeCert): certificates PENDING from a join or RENEW from a renewal. */
function awaitsSigning(node: Node__Output): boolean {
  const state = node.certificate?.status?.state;
  return state === "PENDING" || state === "RENEW";
}

import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import { newId } from "../ca/ids.ts";
import { encodeIdentityCertificate } from "../ca/insecure-credentials.ts";
import { JOIN_TOKEN_REQUIRED, roleForToken } from "../ca/join-token.ts";
import type { GetRootCACertificateRequest__Output } from "../gen/docker/swarmkit/v1/GetRootCACertificateRequest.ts";
import type { GetRootCACertificateResponse } from "../gen/docker/swarmkit/v1/GetRootCACertificateResponse.ts";
import type { IssueNodeCertificateRequest__Output } from "../gen/docker/swarmkit/v1/IssueNodeCertificateRequest.ts";
import type { IssueNodeCertificateResponse } from "../gen/docker/swarmkit/v1/IssueNodeCertificateResponse.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { NodeCertificateStatusRequest__Output } from "../gen/docker/swarmkit/v1/NodeCertificateStatusRequest.ts";
import type { NodeCertificateStatusResponse } from "../gen/docker/swarmkit/v1/NodeCertificateStatusResponse.ts";
import { rpcError, toRpcError } from "../rpc/status.ts";
import { decoded, type MalformedRequest } from "./safe-service.ts";
import type { Store } from "./store.ts";

/**
 * SwarmKit's CA server (SK: ca/server.go), cut to joining: IssueNodeCertificate
 * creates the Node (Role = DesiredRole = the token's role, Membership ACCEPTED,
 * certificate PENDING); the signer (a store watcher, as the signing reconciler)
 * then issues it; NodeCertificateStatus waits until the certificate is ISSUED.
 * The issued "certificate" is the unsigned identity of insecure-credentials.ts.
 */
export const CA_STOPPED = "CA signer is stopped";

type Req<T> = T | MalformedRequest;

export function newNodeObject(
  nodeId: string,
  role: "WORKER" | "MANAGER",
  availability: "ACTIVE" | "PAUSE" | "DRAIN",
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
      csr: Buffer.alloc(0),
      status: { state: "PENDING", err: "" },
      certificate: Buffer.alloc(0),
      cn: nodeId,
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
  ) {}

  start(): void {
    this.running = true;
    this.unwatchSigner = this.store.watch((e) => {
      if (e.kind === "node" && e.action !== "delete" && e.node.certificate?.status?.state === "PENDING") {
        const id = e.node.id;
        queueMicrotask(() => this.sign(id));
      }
    });
    for (const n of this.store.view((tx) => tx.nodes())) {
      if (n.certificate?.status?.state === "PENDING") this.sign(n.id);
    }
  }

  stop(): void {
    this.running = false;
    this.unwatchSigner?.();
    for (const w of [...this.waiters]) w();
  }

  /** evaluateAndSignNodeCert: PENDING → ISSUED with OU from the certificate's role. */
  private sign(nodeId: string): void {
    if (!this.running) return;
    void this.store
      .update((tx) => {
        const node = tx.node(nodeId);
        const cert = node?.certificate;
        if (!node || !cert || cert.status?.state !== "PENDING") return;
        const role = cert.role === "MANAGER" ? "swarm-manager" : "swarm-worker";
        tx.putNode({
          ...node,
          certificate: {
            ...cert,
            status: { state: "ISSUED", err: "" },
            certificate: encodeIdentityCertificate({ nodeId, role, clusterId: this.clusterId() }),
          },
        });
      })
      .catch(() => {
        // Lost leadership: the next leader's signer picks the PENDING node up on start.
      });
  }

  issueNodeCertificate(
    call: ServerUnaryCall<Req<IssueNodeCertificateRequest__Output>, IssueNodeCertificateResponse>,
    cb: sendUnaryData<IssueNodeCertificateResponse>,
  ): void {
    try {
      if (!this.running) throw rpcError("Aborted", CA_STOPPED);
      const req = decoded(call.request);
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
            tx.putNode(newNodeObject(id, role, availability as "ACTIVE" | "PAUSE" | "DRAIN"));
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
        finish(null, { status: cert.status, certificate: cert });
      }
    };
    const unwatch = this.store.watch((e) => {
      if (e.kind === "node" && e.node.id === nodeId) check();
    });
    this.waiters.add(abort);
    call.on("cancelled", () => finish(rpcError("Canceled", "context canceled")));
    check();
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

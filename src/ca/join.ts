import { type Client, credentials as grpcCredentials, type ServiceError } from "@grpc/grpc-js";
import type { TimingProfile } from "../config/profile.ts";
import type { NodeCertificateStatusResponse__Output } from "../gen/docker/swarmkit/v1/NodeCertificateStatusResponse.ts";
import { swarmkit } from "../rpc/proto.ts";
import { Code, type RpcError, rpcError, toRpcError } from "../rpc/status.ts";
import type { IssuedIdentity } from "./credentials.ts";
import { decodeIdentityCertificate } from "./insecure-credentials.ts";
import { parseJoinToken } from "./join-token.ts";
import { rootCADigestHex } from "./root-ca.ts";

/**
 * The client side of joining (SK: ca/config.go, ca/certificates.go): parse the
 * token, download the root CA and check it against the token's digest, ask
 * NodeCA.IssueNodeCertificate with the token, then wait on NodeCertificateStatus
 * until the certificate is ISSUED. Errors are RpcErrors with Swarm's codes.
 */
export interface JoinRequest {
  /** host:port of a manager. */
  remoteAddr: string;
  token: string;
  availability?: "ACTIVE" | "PAUSE" | "DRAIN";
  profile: TimingProfile;
}

function deadline(ms: number): Date {
  return new Date(Date.now() + ms);
}

function unary<Res>(invoke: (cb: (err: ServiceError | null, res?: Res) => void) => void, what: string): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => {
      if (err) reject(toRpcError(err));
      else if (res === undefined || res === null) reject(rpcError("Internal", `${what}: empty response`));
      else resolve(res);
    });
  });
}

/** The issued identity, plus the root CA it was verified against (for certificates/swarm-root-ca.crt). */
export interface JoinedIdentity extends IssuedIdentity {
  readonly rootCACertificate: Buffer;
}

export async function requestNodeIdentity(req: JoinRequest): Promise<JoinedIdentity> {
  // SK DownloadRootCA: an empty token pins no root (the CA then refuses the token itself).
  const parsed = req.token === "" ? undefined : parseJoinToken(req.token);
  if (parsed?.fips)
    throw rpcError("InvalidArgument", "node is not FIPS-enabled but cluster requires FIPS", { plain: true });
  const channel = grpcCredentials.createInsecure();
  const rootCA = new swarmkit.RootCA(req.remoteAddr, channel);
  const nodeCA = new swarmkit.NodeCA(req.remoteAddr, channel);
  // SwarmKit makes these two calls under the join's own context (moby: swarmConnectTimeout), not
  // under a per-call RPC timeout; only the status polls below have one of their own.
  const joinDeadline = new Date(Date.now() + req.profile.joinTimeoutMs);
  try {
    const root = await unary<{ certificate: Buffer }>(
      (cb) => rootCA.GetRootCACertificate({}, { deadline: joinDeadline }, cb),
      "GetRootCACertificate",
    );
    if (parsed && rootCADigestHex(root.certificate) !== parsed.rootDigestHex) {
      // A plain Go error in SwarmKit (GetRemoteCA), which moby prints without the gRPC wrapper.
      throw rpcError("InvalidArgument", `remote CA does not match fingerprint. Expected: ${parsed.rootDigestHex}`, {
        plain: true,
      });
    }
    const issued = await unary<{ node_id: string }>(
      (cb) =>
        nodeCA.IssueNodeCertificate(
          { token: req.token, availability: req.availability ?? "ACTIVE", csr: Buffer.alloc(0) },
          { deadline: joinDeadline },
          cb,
        ),
      "IssueNodeCertificate",
    );
    const status = await waitIssued(nodeCA, issued.node_id, req.profile);
    const certificate = status.certificate?.certificate ?? Buffer.alloc(0);
    const identity = decodeIdentityCertificate(certificate);
    if (identity.nodeId !== issued.node_id) {
      throw rpcError("Internal", `issued certificate is for node ${identity.nodeId}, expected ${issued.node_id}`);
    }
    return { identity, certificate, rootCACertificate: root.certificate };
  } finally {
    closeClient(rootCA);
    closeClient(nodeCA);
  }
}

/** Polls NodeCertificateStatus (which itself waits server-side) until ISSUED/ROTATE, bounded by joinTimeoutMs. */
async function waitIssued(
  nodeCA: InstanceType<typeof swarmkit.NodeCA>,
  nodeId: string,
  profile: TimingProfile,
): Promise<NodeCertificateStatusResponse__Output> {
  const until = Date.now() + profile.joinTimeoutMs;
  let lastError: RpcError | undefined;
  while (Date.now() < until) {
    try {
      const res = await unary<NodeCertificateStatusResponse__Output>(
        (cb) =>
          nodeCA.NodeCertificateStatus(
            { node_id: nodeId },
            { deadline: deadline(Math.min(profile.dispatcherRpcTimeoutMs, until - Date.now())) },
            cb,
          ),
        "NodeCertificateStatus",
      );
      const state = res.status?.state;
      if (state === "ISSUED" || state === "ROTATE") return res;
      if (state === "FAILED") throw rpcError("Unknown", `certificate issuance failed: ${res.status?.err ?? ""}`);
    } catch (e) {
      const err = toRpcError(e);
      if (err.code !== Code.DeadlineExceeded) throw err; // only a poll that timed out is retried
      lastError = err;
    }
  }
  throw lastError ?? rpcError("DeadlineExceeded", "context deadline exceeded");
}

function closeClient(c: Client): void {
  c.close();
}

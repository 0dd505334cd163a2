import type { Client, ClientUnaryCall, ServiceError } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { TimingProfile } from "../config/profile.ts";
import type { NodeCertificateStatusResponse__Output } from "../gen/docker/swarmkit/v1/NodeCertificateStatusResponse.ts";
import { grpcGoError } from "../rpc/grpc-go-error.ts";
import { swarmkit } from "../rpc/proto.ts";
import { Code, rpcError, toRpcError } from "../rpc/status.ts";
import type { IssuedIdentity } from "./credentials.ts";
import { errJoinCancelled, pause, statusPollBackoffMs, withJoinRetries } from "./join-retry.ts";
import { parseJoinToken } from "./join-token.ts";
import { createNodeKeyAndCSR, type NodeKeyAndCSR } from "./pki/node-csr.ts";
import { verifyNodeCertificate } from "./pki/verify-node-certificate.ts";
import { rootCADigestHex } from "./root-ca.ts";
import {
  CA_SERVER_NAME,
  pinnedChannelCredentials,
  serverNameOption,
  unverifiedChannelCredentials,
} from "./tls/client-credentials.ts";

/**
 * The client side of joining (SK: ca/config.go DownloadRootCA, ca/certificates.go
 * RequestAndSaveNewCertificates): parse the token; download the root CA and check
 * it against the token's digest (5 attempts), over TLS that verifies nothing
 * (the digest does); every later call is TLS pinned to that root, to a
 * manager's certificate (server name swarm-ca); make a key and a CSR, ask
 * NodeCA.IssueNodeCertificate with the CSR and the token and poll
 * NodeCertificateStatus until the certificate for that CSR is ISSUED (5
 * attempts; the polling of an accepted request goes on until it is issued); the
 * certificate must verify against the downloaded root.
 * Failed calls read as grpc-go prints them. Only `signal` ends a join early.
 */
export interface JoinRequest {
  /** host:port of a manager. */
  remoteAddr: string;
  token: string;
  availability?: "ACTIVE" | "PAUSE" | "DRAIN";
  /** swarmbus: the public half of the node's NATS user nkey; a manager's certificate comes with a JWT for it. */
  natsUserKey?: string;
  profile: TimingProfile;
  /** The join is cancelled (a leave, a shutdown): its calls and waits end with "context canceled". */
  signal?: AbortSignal;
  log?: Pick<Logger, "error">;
}

/** The issued identity, plus the root CA it was verified against (for certificates/swarm-root-ca.crt). */
export interface JoinedIdentity extends IssuedIdentity {
  readonly rootCACertificate: Buffer;
}

export async function requestNodeIdentity(req: JoinRequest): Promise<JoinedIdentity> {
  // SK DownloadRootCA: an empty token pins no root (the CA then refuses the token itself).
  const parsed = req.token === "" ? undefined : parseJoinToken(req.token);
  if (parsed?.fips) {
    throw rpcError("InvalidArgument", "node is not FIPS-enabled but cluster requires FIPS", { plain: true });
  }
  const { getCertRetryIntervalMs } = req.profile;
  const rootCACertificate = await withJoinRetries(
    () => getRemoteCA(req, parsed?.rootDigestHex),
    getCertRetryIntervalMs,
    req.signal,
    (e) => req.log?.error({ err: toRpcError(e).grpcText }, "failed to retrieve remote root CA certificate"),
  );
  const issued = await withJoinRetries(
    async () => getRemoteSignedCertificate(req, await createNodeKeyAndCSR(), rootCACertificate),
    getCertRetryIntervalMs,
    req.signal,
    (e) => req.log?.error({ err: toRpcError(e).grpcText }, "failed to retrieve node certificate"),
  );
  return { ...issued, rootCACertificate };
}

/** SK dials each attempt anew (connectionbroker Select): no connection shared with an earlier attempt. */
const OWN_CONNECTION = { "grpc.use_local_subchannel_pool": 1 };

type Callback<Res> = (err: ServiceError | null, res?: Res) => void;

/** One unary call with the join's per-call timeout, cancelled with the join. */
function unary<Res>(req: JoinRequest, invoke: (deadline: Date, cb: Callback<Res>) => ClientUnaryCall, what: string) {
  return new Promise<Res>((resolve, reject) => {
    if (req.signal?.aborted) return reject(errJoinCancelled());
    const cancel = () => call.cancel();
    const call = invoke(new Date(Date.now() + req.profile.caRequestTimeoutMs), (err, res) => {
      req.signal?.removeEventListener("abort", cancel);
      if (req.signal?.aborted) reject(errJoinCancelled());
      else if (err) reject(grpcGoError(err));
      else if (res === undefined || res === null) reject(rpcError("Internal", `${what}: empty response`));
      else resolve(res);
    });
    req.signal?.addEventListener("abort", cancel, { once: true });
  });
}

/** SK GetRemoteCA: one GetRootCACertificate on a fresh connection, checked against the token's digest. */
async function getRemoteCA(req: JoinRequest, digestHex: string | undefined): Promise<Buffer> {
  const rootCA = new swarmkit.RootCA(req.remoteAddr, unverifiedChannelCredentials(), {
    ...OWN_CONNECTION,
    ...serverNameOption(CA_SERVER_NAME),
  });
  try {
    const root = await unary<{ certificate: Buffer }>(
      req,
      (deadline, cb) => rootCA.GetRootCACertificate({}, { deadline }, cb),
      "GetRootCACertificate",
    );
    if (digestHex !== undefined && rootCADigestHex(root.certificate) !== digestHex) {
      // A plain Go error in SwarmKit (GetRemoteCA), which moby prints without the gRPC wrapper.
      throw rpcError("InvalidArgument", `remote CA does not match fingerprint. Expected: ${digestHex}`, {
        plain: true,
      });
    }
    return root.certificate;
  } finally {
    closeClient(rootCA);
  }
}

type NodeCAClient = InstanceType<typeof swarmkit.NodeCA>;

/**
 * SK GetRemoteSignedCertificate: IssueNodeCertificate, then NodeCertificateStatus
 * (which waits server-side) until ISSUED/ROTATE, with a growing pause between polls.
 * A poll that fails other than by its timeout is made again on a new connection.
 * Every call is TLS pinned to `rootCACertificate`; a renewal presents the
 * node's current certificate (`presenting`), which is how the CA knows it.
 */
export async function getRemoteSignedCertificate(
  req: JoinRequest,
  { key, csr }: NodeKeyAndCSR,
  rootCACertificate: Buffer,
  presenting?: { key: Buffer; certificate: Buffer },
): Promise<IssuedIdentity> {
  const nodeCA = () =>
    new swarmkit.NodeCA(req.remoteAddr, pinnedChannelCredentials(rootCACertificate, CA_SERVER_NAME, presenting), {
      ...OWN_CONNECTION,
      ...serverNameOption(CA_SERVER_NAME),
    });
  let client: NodeCAClient = nodeCA();
  try {
    const issued = await unary<{ node_id: string }>(
      req,
      (deadline, cb) =>
        client.IssueNodeCertificate(
          { token: req.token, availability: req.availability ?? "ACTIVE", csr, nats_user_key: req.natsUserKey ?? "" },
          { deadline },
          cb,
        ),
      "IssueNodeCertificate",
    );
    for (let failures = 1; ; failures++) {
      const res = await pollStatus(req, client, issued.node_id, csr).catch((e: unknown) => {
        if (req.signal?.aborted) throw errJoinCancelled();
        if (toRpcError(e).code !== Code.DeadlineExceeded) {
          closeClient(client);
          client = nodeCA();
        }
        return null;
      });
      if (res) return { ...(await identityOf(res, issued.node_id, rootCACertificate)), key };
      await pause(statusPollBackoffMs(failures, req.profile), req.signal);
    }
  } finally {
    closeClient(client);
  }
}

/** One NodeCertificateStatus: the response once the certificate of our CSR is ISSUED or ROTATE, else null. */
async function pollStatus(
  req: JoinRequest,
  client: NodeCAClient,
  nodeId: string,
  csr: Buffer,
): Promise<NodeCertificateStatusResponse__Output | null> {
  const res = await unary<NodeCertificateStatusResponse__Output>(
    req,
    (deadline, cb) => client.NodeCertificateStatus({ node_id: nodeId }, { deadline }, cb),
    "NodeCertificateStatus",
  );
  const state = res.status?.state;
  const ours = res.certificate?.csr !== undefined && Buffer.from(res.certificate.csr).equals(csr);
  return (state === "ISSUED" || state === "ROTATE") && ours ? res : null;
}

async function identityOf(
  res: NodeCertificateStatusResponse__Output,
  nodeId: string,
  rootCACertificate: Buffer,
): Promise<Omit<IssuedIdentity, "key">> {
  const certificate = res.certificate?.certificate;
  if (!certificate || certificate.length === 0) {
    throw rpcError("Unknown", "no certificate in CertificateStatus response");
  }
  const { identity } = await verifyNodeCertificate(rootCACertificate, Buffer.from(certificate));
  if (identity.nodeId !== nodeId) {
    throw rpcError("Internal", `issued certificate is for node ${identity.nodeId}, expected ${nodeId}`);
  }
  const natsUserJwt = res.certificate?.nats_user_jwt ?? "";
  return { identity, certificate, ...(natsUserJwt !== "" ? { natsUserJwt } : {}) };
}

function closeClient(c: Client): void {
  c.close();
}

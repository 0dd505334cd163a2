import { credentials, Metadata as GrpcMetadata, type Metadata, ServerCredentials } from "@grpc/grpc-js";
import { z } from "zod";
import { rpcError } from "../rpc/status.ts";
import type { ClientSideCredentials, NodeIdentity, ServerSideCredentials, TlsRole } from "./credentials.ts";

/**
 * The placeholder for mutual TLS behind the credentials.ts interfaces: the
 * node's identity "certificate" is a small unsigned JSON document that travels
 * in call metadata. The server checks it as SK: ca/auth.go checks a peer
 * certificate (organization = cluster ID, then the role OU).
 */
export const IDENTITY_METADATA_KEY = "x-swarmbus-identity";

const ROLES: readonly TlsRole[] = ["swarm-manager", "swarm-worker"];

const identitySchema = z.strictObject({
  kind: z.literal("swarmbus-identity/v1"),
  nodeId: z.string().min(1),
  role: z.string().min(1),
  clusterId: z.string(),
});

/** The identity as it travels in call metadata (until mutual TLS carries it in the peer certificate). */
export function encodeIdentityCertificate(identity: NodeIdentity): Buffer {
  return Buffer.from(
    JSON.stringify({
      kind: "swarmbus-identity/v1",
      nodeId: identity.nodeId,
      role: identity.role,
      clusterId: identity.clusterId,
    }),
  );
}

interface RawIdentity {
  nodeId: string;
  role: string;
  clusterId: string;
}

function parseRaw(bytes: Buffer): RawIdentity | undefined {
  try {
    const r = identitySchema.safeParse(JSON.parse(bytes.toString("utf8")));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** The identity in certificate bytes; throws RpcError(InvalidArgument) if they are not one. */
export function decodeIdentityCertificate(bytes: Buffer): NodeIdentity {
  const raw = parseRaw(bytes);
  if (!raw) throw rpcError("InvalidArgument", "invalid node certificate");
  if (!(ROLES as readonly string[]).includes(raw.role)) {
    throw rpcError("InvalidArgument", `invalid node certificate: unknown role ${raw.role}`);
  }
  return { nodeId: raw.nodeId, role: raw.role as TlsRole, clusterId: raw.clusterId };
}

export function insecureServerCredentials(
  clusterId: string,
  allowedRoles: readonly TlsRole[] = ROLES,
): ServerSideCredentials {
  return {
    serverCredentials: () => ServerCredentials.createInsecure(),
    authenticate(metadata: Metadata): NodeIdentity {
      const values = metadata.get(IDENTITY_METADATA_KEY);
      const first = values[0];
      const raw =
        typeof first === "string" ? parseRaw(Buffer.from(first, "base64")) : first ? parseRaw(first) : undefined;
      if (!raw) throw rpcError("PermissionDenied", "Permission denied: no certificates in peer");
      if (raw.clusterId !== clusterId) {
        throw rpcError(
          "PermissionDenied",
          `Permission denied: remote certificate not part of organization: ${clusterId}`,
        );
      }
      if (!(allowedRoles as readonly string[]).includes(raw.role)) {
        throw rpcError("PermissionDenied", `Permission denied: unauthorized peer role: ${raw.role}`);
      }
      return { nodeId: raw.nodeId, role: raw.role as TlsRole, clusterId: raw.clusterId };
    },
  };
}

export function insecureClientCredentials(identity: NodeIdentity): ClientSideCredentials {
  const encoded = encodeIdentityCertificate(identity).toString("base64");
  return {
    identity,
    channelCredentials: () => credentials.createInsecure(),
    callMetadata(): Metadata {
      const md = new GrpcMetadata();
      md.set(IDENTITY_METADATA_KEY, encoded);
      return md;
    },
  };
}

/** Client credentials straight from the certificate bytes kept in the state dir. */
export function insecureClientCredentialsFromCertificate(certificate: Buffer): ClientSideCredentials {
  return insecureClientCredentials(decodeIdentityCertificate(certificate));
}

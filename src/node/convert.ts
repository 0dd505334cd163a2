import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { Timestamp__Output } from "../gen/google/protobuf/Timestamp.ts";

/**
 * A SwarmKit Node as moby's API shows it (MOBY: daemon/cluster/convert/node.go
 * NodeFromGRPC, api/types/swarm/node.go), with Go's JSON field names: enums
 * lowercased, the role from Spec.DesiredRole, times as Go's RFC 3339 with
 * nanoseconds, ManagerStatus only for managers.
 */
export interface ApiNode {
  ID: string;
  Version: { Index?: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: {
    Name?: string;
    Labels: Record<string, string>;
    Role: string;
    Availability: string;
  };
  Description: {
    Hostname?: string;
    Platform: { Architecture?: string; OS?: string };
    Resources: { NanoCPUs?: number; MemoryBytes?: number };
    Engine: { EngineVersion?: string; Labels?: Record<string, string> };
    /** TrustRoot as text; the issuer's subject and key as Go writes []byte: base64. */
    TLSInfo: { TrustRoot?: string; CertIssuerSubject?: string; CertIssuerPublicKey?: string };
  };
  Status: { State: string; Message?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability: string; Addr?: string };
}

/** Go's zero time.Time, as encoding/json writes it. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** A protobuf Timestamp as Go's time.Time marshals to JSON (RFC 3339, nanoseconds without trailing zeros). */
export function goTime(ts: Timestamp__Output | null | undefined): string {
  if (!ts) return ZERO_TIME;
  const seconds = Number(ts.seconds);
  if (!Number.isFinite(seconds)) return ZERO_TIME;
  const base = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  const nanos = ts.nanos ? `.${String(ts.nanos).padStart(9, "0").replace(/0+$/, "")}` : "";
  return `${base}${nanos}Z`;
}

/** An ISO time (JavaScript's, millisecond precision) as Go's time.Time marshals it. */
export function goTimeOfIso(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return ZERO_TIME;
  const seconds = Math.floor(ms / 1000);
  return goTime({ seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 });
}

const lower = (s: string | undefined | null): string => (s ?? "").toLowerCase();
const int = (s: string | number | undefined | null): number => Number(s ?? 0) || 0;

/** `json:",omitempty"`: the field only when it is not the zero value. */
export function given<K extends string, V extends string | number>(
  key: K,
  value: V | undefined | null,
): Partial<Record<K, V>> {
  return value === undefined || value === null || value === "" || value === 0 ? {} : ({ [key]: value } as Record<K, V>);
}

const bytesOf = (b: Buffer | Uint8Array | string | undefined | null): Buffer | undefined =>
  b === undefined || b === null || b.length === 0 ? undefined : Buffer.from(b);

export function nodeFromGrpc(n: Node__Output): ApiNode {
  const d = n.description;
  const name = n.spec?.annotations?.name ?? "";
  const engineLabels = d?.engine?.labels ?? {};
  const node: ApiNode = {
    ID: n.id,
    Version: given("Index", int(n.meta?.version?.index)),
    CreatedAt: goTime(n.meta?.created_at),
    UpdatedAt: goTime(n.meta?.updated_at),
    Spec: {
      ...(name ? { Name: name } : {}),
      Labels: { ...(n.spec?.annotations?.labels ?? {}) },
      Role: lower(n.spec?.desired_role ?? "WORKER"),
      Availability: lower(n.spec?.availability ?? "ACTIVE"),
    },
    // Every field of the description carries omitempty; its structs are always written.
    Description: {
      ...given("Hostname", d?.hostname),
      Platform: { ...given("Architecture", d?.platform?.architecture), ...given("OS", d?.platform?.os) },
      Resources: {
        ...given("NanoCPUs", int(d?.resources?.nano_cpus)),
        ...given("MemoryBytes", int(d?.resources?.memory_bytes)),
      },
      Engine: {
        ...given("EngineVersion", d?.engine?.engine_version),
        ...(Object.keys(engineLabels).length ? { Labels: { ...engineLabels } } : {}),
      },
      TLSInfo: {
        ...given("TrustRoot", bytesOf(d?.tls_info?.trust_root)?.toString("utf8")),
        ...given("CertIssuerSubject", bytesOf(d?.tls_info?.cert_issuer_subject)?.toString("base64")),
        ...given("CertIssuerPublicKey", bytesOf(d?.tls_info?.cert_issuer_public_key)?.toString("base64")),
      },
    },
    Status: {
      State: lower(n.status?.state ?? "UNKNOWN"),
      ...(n.status?.message ? { Message: n.status.message } : {}),
      ...(n.status?.addr ? { Addr: n.status.addr } : {}),
    },
  };
  const m = n.manager_status;
  if (m) {
    node.ManagerStatus = {
      ...(m.leader ? { Leader: true } : {}),
      Reachability: lower(m.reachability),
      ...(m.addr ? { Addr: m.addr } : {}),
    };
  }
  return node;
}

import { z } from "zod";
import { bytesSize, prettyPrint, prettyTime } from "./pretty-print.ts";

const labels = z.record(z.string(), z.string()).optional();

/** The fields of a node (moby's swarm.Node) that `node inspect --pretty` shows. */
export const PrettyNode = z.object({
  ID: z.string(),
  CreatedAt: z.string().default(""),
  Spec: z.object({ Name: z.string().optional(), Labels: labels, Availability: z.string().default("") }),
  Description: z.object({
    Hostname: z.string().default(""),
    Platform: z.object({ OS: z.string().default(""), Architecture: z.string().default("") }).prefault({}),
    Resources: z.object({ NanoCPUs: z.number().default(0), MemoryBytes: z.number().default(0) }).prefault({}),
    Engine: z
      .object({
        EngineVersion: z.string().default(""),
        Labels: labels,
        Plugins: z.array(z.object({ Type: z.string(), Name: z.string() })).optional(),
      })
      .prefault({}),
    TLSInfo: z
      .object({
        TrustRoot: z.string().default(""),
        CertIssuerSubject: z.string().default(""),
        CertIssuerPublicKey: z.string().default(""),
      })
      .optional(),
  }),
  Status: z.object({ State: z.string().default(""), Message: z.string().optional(), Addr: z.string().optional() }),
  ManagerStatus: z
    .object({ Leader: z.boolean().optional(), Reachability: z.string().default(""), Addr: z.string().default("") })
    .optional(),
});
export type PrettyNode = z.infer<typeof PrettyNode>;

/** ` - key=value` lines, keys sorted (Go ranges over a map in key order); `=` only for a non-empty value. */
function labelLines(l: Record<string, string> | undefined): string[] {
  return Object.keys(l ?? {})
    .sort()
    .map((k) => (l?.[k] ? ` - ${k}=${l[k]}` : ` - ${k}`));
}

/** Plugin names per type, types sorted, names in the order the node reports them. */
function pluginLines(plugins: { Type: string; Name: string }[]): string[] {
  const byType = new Map<string, string[]>();
  for (const p of plugins) byType.set(p.Type, [...(byType.get(p.Type) ?? []), p.Name]);
  return [...byType.keys()]
    .sort()
    .map((t) => ` ${t}:${byType.get(t)?.join(", ") ? `\t\t${byType.get(t)?.join(", ")}` : ""}`);
}

/**
 * `docker node inspect --pretty`, line for line and tab for tab as docker/cli
 * lays it out (cli/command/node/formatter.go), for the fields swarmbus has.
 */
export function formatNodePretty(n: PrettyNode): string {
  const d = n.Description;
  const out = [`ID:\t\t\t${n.ID}`];
  if (n.Spec.Name) out.push(`Name:\t\t\t${n.Spec.Name}`);
  const specLabels = labelLines(n.Spec.Labels);
  if (specLabels.length > 0) out.push("Labels:", ...specLabels);
  out.push(
    `Hostname:              \t${d.Hostname}`,
    `Joined at:             \t${prettyTime(n.CreatedAt)}`,
    "Status:",
    ` State:\t\t\t${prettyPrint(n.Status.State)}`,
  );
  if (n.Status.Message) out.push(` Message:              \t${prettyPrint(n.Status.Message)}`);
  out.push(` Availability:         \t${prettyPrint(n.Spec.Availability)}`);
  if (n.Status.Addr) out.push(` Address:\t\t${n.Status.Addr}`);
  const m = n.ManagerStatus;
  if (m) {
    out.push(
      "Manager Status:",
      ` Address:\t\t${m.Addr}`,
      ` Raft Status:\t\t${prettyPrint(m.Reachability)}`,
      ` Leader:\t\t${m.Leader ? "Yes" : "No"}`,
    );
  }
  out.push(
    "Platform:",
    ` Operating System:\t${d.Platform.OS}`,
    ` Architecture:\t\t${d.Platform.Architecture}`,
    "Resources:",
    ` CPUs:\t\t\t${Math.trunc(d.Resources.NanoCPUs / 1e9)}`,
    ` Memory:\t\t${d.Resources.MemoryBytes === 0 ? "" : bytesSize(d.Resources.MemoryBytes)}`,
  );
  const plugins = d.Engine.Plugins ?? [];
  if (plugins.length > 0) out.push("Plugins:", ...pluginLines(plugins));
  out.push(`Engine Version:\t\t${d.Engine.EngineVersion}`);
  const engineLabels = labelLines(d.Engine.Labels);
  if (engineLabels.length > 0) out.push("Engine Labels:", ...engineLabels);
  const tls = d.TLSInfo;
  if (tls && (tls.TrustRoot || tls.CertIssuerSubject || tls.CertIssuerPublicKey)) {
    out.push(
      "TLS Info:",
      " TrustRoot:",
      tls.TrustRoot,
      ` Issuer Subject:\t${tls.CertIssuerSubject}`,
      ` Issuer Public Key:\t${tls.CertIssuerPublicKey}`,
    );
  }
  return out.join("\n");
}

import { z } from "zod";
import { tabwrite } from "./table.ts";

/** The fields of moby's swarm.Node that `docker node ls` prints. */
export const NodeRow = z.object({
  ID: z.string(),
  Description: z.object({
    Hostname: z.string().default(""),
    Engine: z.object({ EngineVersion: z.string().default("") }).default({ EngineVersion: "" }),
  }),
  Spec: z.object({ Availability: z.string().default("") }),
  Status: z.object({ State: z.string().default("") }),
  ManagerStatus: z.object({ Leader: z.boolean().default(false), Reachability: z.string().default("") }).optional(),
});
export type NodeRow = z.infer<typeof NodeRow>;

/** docker's PrettyPrint: first letter upper case. */
const pretty = (s: string) => (s === "" ? s : s[0]!.toUpperCase() + s.slice(1));

function managerStatus(n: NodeRow): string {
  if (!n.ManagerStatus) return "";
  return n.ManagerStatus.Leader ? "Leader" : pretty(n.ManagerStatus.Reachability);
}

/** Natural order, as docker/cli's sortorder.NaturalLess on hostnames. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** `docker node ls`: sorted by hostname, `*` after the ID of the node answering. */
export function formatNodeLs(nodes: NodeRow[], self: string, quiet = false): string {
  const sorted = [...nodes].sort(
    (a, b) => naturalCompare(a.Description.Hostname, b.Description.Hostname) || a.ID.localeCompare(b.ID),
  );
  if (quiet) return sorted.map((n) => n.ID).join("\n");
  const header = ["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"];
  const rows = sorted.map((n) => [
    n.ID === self ? `${n.ID} *` : n.ID,
    n.Description.Hostname,
    pretty(n.Status.State),
    pretty(n.Spec.Availability),
    managerStatus(n),
    n.Description.Engine.EngineVersion,
  ]);
  return tabwrite([header, ...rows]);
}

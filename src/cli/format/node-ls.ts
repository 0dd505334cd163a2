import { z } from "zod";
import { nodeLsContext } from "./node-ls-context.ts";
import { tabwrite } from "./table.ts";

/** The fields of moby's swarm.Node that `docker node ls` prints (and its --format reads). */
export const NodeRow = z.object({
  ID: z.string(),
  Description: z.object({
    Hostname: z.string().default(""),
    Engine: z.object({ EngineVersion: z.string().default("") }).default({ EngineVersion: "" }),
    TLSInfo: z.unknown().optional(),
  }),
  Spec: z.object({ Availability: z.string().default("") }),
  Status: z.object({ State: z.string().default("") }),
  ManagerStatus: z.object({ Leader: z.boolean().default(false), Reachability: z.string().default("") }).optional(),
});
export type NodeRow = z.infer<typeof NodeRow>;

/** Natural order, as docker/cli's sortorder.NaturalLess on hostnames. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** docker's order for `node ls`: by hostname, naturally. */
export function sortByHostname(nodes: readonly NodeRow[]): NodeRow[] {
  return [...nodes].sort(
    (a, b) => naturalCompare(a.Description.Hostname, b.Description.Hostname) || a.ID.localeCompare(b.ID),
  );
}

/** `docker node ls`: sorted by hostname, `*` after the ID of the node answering. */
export function formatNodeLs(nodes: NodeRow[], self: string, quiet = false): string {
  const sorted = sortByHostname(nodes);
  if (quiet) return sorted.map((n) => n.ID).join("\n");
  const header = ["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"];
  const rows = sorted.map((n) => {
    const c = nodeLsContext(n, self, undefined);
    return [c.Self ? `${c.ID} *` : c.ID, c.Hostname, c.Status, c.Availability, c.ManagerStatus, c.EngineVersion];
  });
  return tabwrite([header, ...rows]);
}

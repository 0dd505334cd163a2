import { z } from "zod";

/** The fields of moby's swarm.Node (as `node.ls` returns them) that the dashboard shows. */
const ApiNodeRow = z.object({
  ID: z.string(),
  Spec: z.object({ Role: z.string().default(""), Availability: z.string().default("") }),
  Description: z.object({ Hostname: z.string().default("") }),
  Status: z.object({ State: z.string().default(""), Message: z.string().optional(), Addr: z.string().optional() }),
  ManagerStatus: z.object({ Leader: z.boolean().optional(), Reachability: z.string().default("") }).optional(),
});

/** One row of the nodes table, in `docker node ls`'s words (Ready, Down, Active, Leader…). */
export interface NodeView {
  id: string;
  hostname: string;
  role: string;
  status: string;
  message: string;
  availability: string;
  managerStatus: string;
  addr: string;
}

export interface NodesView {
  /** The daemon whose `node.ls` answered last, or null if none did yet. */
  source: string | null;
  /** The control API's error text when the last poll failed (e.g. no leader); the rows are then the last known. */
  error: string | null;
  /** When the rows were read. */
  time: string | null;
  nodes: NodeView[];
}

export const emptyNodes = (): NodesView => ({ source: null, error: null, time: null, nodes: [] });

/** docker's PrettyPrint: first letter upper case. */
const pretty = (s: string) => (s === "" ? s : s[0]!.toUpperCase() + s.slice(1));

/** Rows from a `node.ls` result, sorted by hostname as docker sorts them; rows that do not parse are skipped. */
export function nodeViews(nodes: readonly unknown[]): NodeView[] {
  const rows: NodeView[] = [];
  for (const n of nodes) {
    const p = ApiNodeRow.safeParse(n);
    if (!p.success) continue;
    const r = p.data;
    const ms = r.ManagerStatus;
    rows.push({
      id: r.ID,
      hostname: r.Description.Hostname,
      role: r.Spec.Role,
      status: pretty(r.Status.State),
      message: r.Status.Message ?? "",
      availability: pretty(r.Spec.Availability),
      managerStatus: ms ? (ms.Leader ? "Leader" : pretty(ms.Reachability)) : "",
      addr: r.Status.Addr ?? "",
    });
  }
  return rows.sort((a, b) => a.hostname.localeCompare(b.hostname, "en", { numeric: true }) || a.id.localeCompare(b.id));
}

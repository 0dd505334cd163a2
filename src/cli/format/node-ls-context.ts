import type { NodeRow } from "./node-ls.ts";
import { prettyPrint } from "./pretty-print.ts";

/** What `node ls --format` templates see: docker/cli's nodeContext, keys in the order its `{{json .}}` writes them. */
export interface NodeLsContext {
  Availability: string;
  EngineVersion: string;
  Hostname: string;
  ID: string;
  ManagerStatus: string;
  Self: boolean;
  Status: string;
  TLSStatus: string;
}

/** The column names a `table` format's header row shows (Self has none). */
export const NODE_LS_COLUMNS: Record<keyof NodeLsContext, string> = {
  ID: "ID",
  Self: "",
  Hostname: "HOSTNAME",
  Status: "STATUS",
  Availability: "AVAILABILITY",
  ManagerStatus: "MANAGER STATUS",
  EngineVersion: "ENGINE VERSION",
  TLSStatus: "TLS STATUS",
};

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (typeof v === "object" && Object.values(v).every((x) => x === "" || x === null));

/** docker's TLSStatus: Unknown without both trust infos, Ready when the node's matches the cluster's. */
function tlsStatus(node: unknown, cluster: unknown): string {
  if (isEmpty(node) || isEmpty(cluster)) return "Unknown";
  return JSON.stringify(node) === JSON.stringify(cluster) ? "Ready" : "Needs Rotation";
}

export function nodeLsContext(n: NodeRow, selfId: string, clusterTLSInfo: unknown): NodeLsContext {
  const m = n.ManagerStatus;
  return {
    Availability: prettyPrint(n.Spec.Availability),
    EngineVersion: n.Description.Engine.EngineVersion,
    Hostname: n.Description.Hostname,
    ID: n.ID,
    ManagerStatus: m ? prettyPrint(m.Leader ? "Leader" : m.Reachability) : "",
    Self: n.ID === selfId,
    Status: prettyPrint(n.Status.State),
    TLSStatus: tlsStatus(n.Description.TLSInfo, clusterTLSInfo),
  };
}

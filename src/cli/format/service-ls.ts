import type { ApiService } from "../../bus/daemon-contract.ts";
import { tabwrite } from "./table.ts";

/** docker/cli's formatter.TruncateID: the first 12 characters (after an `algo:` prefix). */
export function truncateId(id: string): string {
  const colon = id.indexOf(":");
  const bare = colon === -1 ? id : id.slice(colon + 1);
  return bare.slice(0, 12);
}

/** Natural order, as docker/cli's sortorder.NaturalLess. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * The image as docker lists it: a `name:tag@digest` reference loses its
 * digest (reference.FamiliarString of the NamedTagged); anything else as given.
 */
export function displayImage(image: string): string {
  const at = image.indexOf("@");
  if (at === -1) return image;
  const named = image.slice(0, at);
  const slash = named.lastIndexOf("/");
  return named.indexOf(":", slash + 1) === -1 ? image : named;
}

/** What `service ls --format` templates see: docker/cli's serviceContext. */
export interface ServiceLsContext {
  ID: string;
  Name: string;
  Mode: string;
  Replicas: string;
  Image: string;
  Ports: string;
}

export const SERVICE_LS_COLUMNS: Record<keyof ServiceLsContext, string> = {
  ID: "ID",
  Name: "NAME",
  Mode: "MODE",
  Replicas: "REPLICAS",
  Image: "IMAGE",
  Ports: "PORTS",
};

export function serviceLsContext(s: ApiService): ServiceLsContext {
  const mode = s.Spec.Mode && "Global" in s.Spec.Mode ? "global" : "replicated";
  const st = s.ServiceStatus ?? { RunningTasks: 0, DesiredTasks: 0 };
  const max = mode === "replicated" ? (s.Spec.TaskTemplate.Placement?.MaxReplicas ?? 0) : 0;
  return {
    ID: truncateId(s.ID),
    Name: s.Spec.Name ?? "",
    Mode: mode,
    Replicas:
      max > 0 ? `${st.RunningTasks}/${st.DesiredTasks} (max ${max} per node)` : `${st.RunningTasks}/${st.DesiredTasks}`,
    Image: displayImage(s.Spec.TaskTemplate.ContainerSpec.Image),
    // No published ports: processes have no ingress network.
    Ports: "",
  };
}

/** docker's order for `service ls`: by name, naturally (a stable sort, so equal names keep the daemon's order). */
export function sortByName(services: readonly ApiService[]): ApiService[] {
  return [...services].sort((a, b) => naturalCompare(a.Spec.Name ?? "", b.Spec.Name ?? ""));
}

/** `docker service ls`: the table, or with -q the IDs (docker's quiet format is `{{.ID}}`, truncated too). */
export function formatServiceLs(services: readonly ApiService[], quiet = false): string {
  const sorted = sortByName(services);
  if (quiet) return sorted.map((s) => truncateId(s.ID)).join("\n");
  const rows = sorted.map((s) => {
    const c = serviceLsContext(s);
    return [c.ID, c.Name, c.Mode, c.Replicas, c.Image, c.Ports];
  });
  return tabwrite([["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"], ...rows]);
}

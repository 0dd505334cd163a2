/**
 * docker's `node update --label-add/--label-rm` (CLI: cli/command/node/update.go
 * mergeNodeUpdate): every `KEY[=VALUE]` added first (a bare KEY gets ""), then
 * every KEY removed; removing a key the node does not have fails the whole update.
 */
export type LabelMerge = { readonly labels: Record<string, string> } | { readonly missingKey: string };

export function mergeLabels(
  current: Readonly<Record<string, string>>,
  add: readonly string[],
  rm: readonly string[],
): LabelMerge {
  const labels: Record<string, string> = { ...current };
  for (const kv of add) {
    // opts.ConvertKVStringsToMap: split at the first "=".
    const at = kv.indexOf("=");
    if (at < 0) labels[kv] = "";
    else labels[kv.slice(0, at)] = kv.slice(at + 1);
  }
  for (const key of rm) {
    if (!Object.hasOwn(labels, key)) return { missingKey: key };
    delete labels[key];
  }
  return { labels };
}

/** The docker CLI's own error (no "Error response from daemon:"), word for word. */
export const missingLabelMessage = (key: string) => `key ${key} doesn't exist in node's labels`;

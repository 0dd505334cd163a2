/**
 * Go's text/tabwriter as docker's formatter configures it (minwidth 10,
 * padding 3, blanks): every column but the last is as wide as its widest cell
 * plus the padding, and never narrower than the minimum.
 */
export function tabwrite(rows: readonly (readonly string[])[], minWidth = 10, padding = 3): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(minWidth, ...rows.map((r) => (r[c] ?? "").length + padding)),
  );
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? minWidth)))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}

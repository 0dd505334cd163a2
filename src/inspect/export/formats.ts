/** The export formats, apart from the exporters: the CLI lists them without loading any machine. */
export const exportFormats = ["json", "dot", "mermaid"] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The file extension of each format under --out. */
export const extensionOf: Record<ExportFormat, string> = { json: "json", dot: "dot", mermaid: "mmd" };

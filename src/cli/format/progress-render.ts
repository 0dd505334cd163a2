import type { ProgressMessage } from "./service-progress.ts";

/**
 * moby's jsonmessage display of a progress stream, for a terminal: each line
 * with an ID is kept in place and redrawn with ANSI cursor moves (up N, erase
 * line, write, down N); a bar `[====>   ]` is drawn when the terminal is wider
 * than 110 columns; a plain message ends the block of kept lines.
 */
export class TerminalProgress {
  private ids = new Map<string, number>();

  constructor(
    private readonly write: (s: string) => void,
    private readonly width: number,
  ) {}

  show(m: ProgressMessage): void {
    if (!("progress" in m)) {
      this.ids = new Map();
      this.write(`${m.id !== "" ? `${m.id}: ` : ""}${m.message}\n`);
      return;
    }
    let diff = 0;
    if (m.id !== "") {
      let line = this.ids.get(m.id);
      if (line === undefined) {
        line = this.ids.size;
        this.ids.set(m.id, line);
        this.write("\n");
      }
      diff = this.ids.size - line;
      if (diff > 0) this.write(`\x1b[${diff}A`);
    } else {
      this.ids = new Map();
    }
    this.write("\x1b[2K\r");
    if (m.id !== "") this.write(`${m.id}: `);
    this.write(`${m.action} ${renderBar(m.progress, this.width)}\r`);
    if (m.id !== "" && diff > 0) this.write(`\x1b[${diff}B`);
  }
}

/** jsonmessage's RenderTUIProgress for the service display (counts hidden, no time left). */
export function renderBar(p: { current: number; total: number }, width: number): string {
  if (p.current <= 0 && p.total <= 0) return "";
  if (p.total <= 0 || width <= 110) return "";
  const pct = Math.min(Math.trunc(Math.trunc((p.current / p.total) * 100) / 2), 50);
  return `[${"=".repeat(pct)}>${" ".repeat(Math.max(50 - pct, 0))}] `;
}

/**
 * Not a terminal: docker prints every line without an ID's bar on each poll
 * (every 200 ms) and drops the bar lines. Here each line is printed once per
 * change of its text, bar lines as their state (`1/3: running`), so a log
 * shows what happened without the repeats.
 */
export class PlainProgress {
  private readonly last = new Map<string, string>();

  constructor(private readonly write: (s: string) => void) {}

  show(m: ProgressMessage): void {
    const text = "progress" in m ? m.action.trimEnd() : m.message;
    const full = m.id !== "" ? `${m.id}: ${text}` : text;
    if (!("progress" in m)) {
      this.write(`${full}\n`);
      return;
    }
    if (text.trim() === "" || this.last.get(m.id) === full) return;
    this.last.set(m.id, full);
    this.write(`${full}\n`);
  }
}

/**
 * A template that Go's text/template would refuse to parse or fail to execute.
 * The message reads as Go's (`template: :1: unclosed action`); the commands
 * put docker's "template parsing error: " in front. It never leaves the CLI,
 * which turns it into docker's exit status, so it is not an RpcError.
 */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Go's "line:col" of a byte offset (col counts from 0 after the last newline). */
export function position(source: string, offset: number): { line: number; col: number } {
  const before = source.slice(0, offset);
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  return { line, col: offset - (before.lastIndexOf("\n") + 1) };
}

export function parseError(source: string, offset: number, message: string): TemplateError {
  return new TemplateError(`template: :${position(source, offset).line}: ${message}`);
}

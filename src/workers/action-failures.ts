/**
 * Failures a worker CLI reports about the agent's own actions (a file change it could not write, a
 * command that failed, a tool call it was refused), as one line each. They reach the next attempt's
 * prompt and the report, so they are kept short and few: a long session keeps its first ones and says
 * how many more there were.
 */
export const MAX_ACTION_FAILURES = 20;
const MAX_LINE_CHARS = 300;

export class ActionFailures {
  private readonly lines: string[] = [];
  private dropped = 0;

  add(line: string): void {
    if (this.lines.length >= MAX_ACTION_FAILURES) {
      this.dropped++;
      return;
    }
    this.lines.push(oneLine(line));
  }

  list(): string[] {
    return this.dropped ? [...this.lines, `(and ${this.dropped} more)`] : [...this.lines];
  }
}

/** Whitespace folded to single spaces, cut at a bounded length. */
export function oneLine(text: string, max = MAX_LINE_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The last non-empty line of a command's output (where its error usually is). */
export function lastLine(output: string): string | null {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? null;
}

/** Paths in the lines made relative to the worktree (CLIs report absolute ones). */
export function relativeTo(workDir: string, lines: string[]): string[] {
  const prefix = `${workDir.replace(/\/$/, '')}/`;
  return lines.map((l) => l.split(prefix).join(''));
}

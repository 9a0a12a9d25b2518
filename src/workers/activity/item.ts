/** One thing a worker did or said while its call runs, for live progress and the journal. */
export interface ActivityItem {
  kind: 'tool' | 'message' | 'usage' | 'log';
  /** One line, at most MAX_ACTIVITY_CHARS characters: "Edit src/auth.ts", "Bash npm test", "tokens 12.3k". */
  text: string;
}

/** Reads one CLI call's stdout lines (stateful: usage adds up over the call) into activity items. */
export type ActivityReader = (line: string) => ActivityItem[];

export const MAX_ACTIVITY_CHARS = 120;
/**
 * How much of a text a reader keeps: more than is shown, so that a secret across the final cut is still
 * whole when the worker redacts it (shownItem).
 */
const READ_CHARS = 1_000;

/** An item whose text is folded onto one line (and cut at `max`); null when nothing is left of it. */
export function activityItem(kind: ActivityItem['kind'], text: string, max = READ_CHARS): ActivityItem | null {
  const flat = text.slice(0, max * 4).replace(/\s+/g, ' ').trim();
  if (!flat) return null;
  return { kind, text: flat.length > max ? `${flat.slice(0, max - 1)}…` : flat };
}

/** The item as it is shown and journaled: secrets hidden first, then cut to MAX_ACTIVITY_CHARS. */
export function shownItem(item: ActivityItem, hide: (text: string) => string): ActivityItem | null {
  return activityItem(item.kind, hide(item.text), MAX_ACTIVITY_CHARS);
}

/** "tokens 950", "tokens 12.3k", "tokens 1.2M". */
export function tokensText(tokens: number): string {
  if (tokens < 1000) return `tokens ${tokens}`;
  if (tokens < 1_000_000) return `tokens ${(tokens / 1000).toFixed(1)}k`;
  return `tokens ${(tokens / 1_000_000).toFixed(1)}M`;
}

/** The items that are not null. */
export function items(...list: (ActivityItem | null)[]): ActivityItem[] {
  return list.filter((i): i is ActivityItem => i !== null);
}

/** A tool call in a few words: the tool's name and the command, file or pattern it is about. */
export function toolText(name: string | null, input: unknown): string {
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const pick = ['command', 'file_path', 'absolute_path', 'path', 'dir_path', 'pattern', 'url', 'query', 'description']
    .map((k) => i[k])
    .find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return `${name ?? 'tool'}${pick ? ` ${pick}` : ''}`;
}

import { LineSplitter } from '../../util/lines.js';
import { activityItem, shownItem, type ActivityItem } from './item.js';

/** A `command` worker's stderr as activity: each non-empty line, trimmed, secrets hidden, as it arrives. */
export function stderrActivity(onItem: (item: ActivityItem) => void, hide: (text: string) => string): { push(chunk: string): void; end(): void } {
  return new LineSplitter((line) => {
    const read = activityItem('log', line);
    const item = read && shownItem(read, hide);
    if (item) onItem(item);
  }, 64 * 1024);
}

import { parseJsonLine } from '../cli-dialect.js';
import { activityItem, items, tokensText, toolText, type ActivityItem, type ActivityReader } from './item.js';

type Event = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Claude Code stream-json: each `assistant` event holds content blocks (tool_use: "Edit src/auth.ts",
 * text: the agent's words) and the message's usage so far; a message spans several events, so its
 * usage is counted once, by message id.
 */
export function claudeActivity(): ActivityReader {
  const usageByMessage = new Map<string, number>();
  let shown = 0;
  return (line) => {
    const event = parseJsonLine(line);
    if (event?.type !== 'assistant') return [];
    const message = (event.message ?? {}) as Event;
    const out: ActivityItem[] = [];
    for (const block of Array.isArray(message.content) ? (message.content as Event[]) : []) {
      if (block.type === 'tool_use') out.push(...items(activityItem('tool', toolText(typeof block.name === 'string' ? block.name : null, block.input))));
      if (block.type === 'text' && typeof block.text === 'string') out.push(...items(activityItem('message', block.text.split('\n').find((l) => l.trim()) ?? '')));
    }
    const u = message.usage as Event | undefined;
    if (u && typeof message.id === 'string') {
      usageByMessage.set(message.id, n(u.input_tokens) + n(u.cache_creation_input_tokens) + n(u.cache_read_input_tokens) + n(u.output_tokens));
      const total = [...usageByMessage.values()].reduce((a, b) => a + b, 0);
      if (total !== shown) {
        shown = total;
        out.push({ kind: 'usage', text: tokensText(total) });
      }
    }
    return out;
  };
}

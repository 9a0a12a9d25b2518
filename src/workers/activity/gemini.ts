import { parseJsonLine } from '../cli-dialect.js';
import { activityItem, items, tokensText, toolText, type ActivityReader } from './item.js';

type Event = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Gemini CLI stream-json: `tool_use` events ("write_file src/a.ts"); the `result` event's stats give the tokens. */
export function geminiActivity(): ActivityReader {
  return (line) => {
    const event = parseJsonLine(line);
    if (event?.type === 'tool_use') return items(activityItem('tool', toolText(typeof event.tool_name === 'string' ? event.tool_name : null, event.parameters)));
    if (event?.type === 'result' && event.stats && typeof event.stats === 'object') {
      const stats = event.stats as Event;
      const total = n(stats.total_tokens) || n(stats.input_tokens) + n(stats.output_tokens);
      return total ? [{ kind: 'usage', text: tokensText(total) }] : [];
    }
    return [];
  };
}

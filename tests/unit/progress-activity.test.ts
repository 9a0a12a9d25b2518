// How plain (non-TTY) progress shows a worker's activity: one line per item, under the step it belongs to.
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../src/cli/render/progress.js';
import type { Output } from '../../src/cli/render/output.js';
import { Journal, R } from './machine-fixtures.js';

function plainOutput(lines: string[]): Output {
  return { json: false, data: () => {}, say: (t) => lines.push(t), note: () => {}, colors: pc.createColors(false), interactive: false };
}

describe('progress of worker activity without a TTY', () => {
  it('prints each item as its own line, in order, between the step\'s start and its result', () => {
    const lines: string[] = [];
    const print = progressPrinter(plainOutput(lines), { heartbeatMs: 60_000 });
    const j = new Journal();
    const show = () => print(j.s, j.events.at(-1)!);
    j.perform(R.prepare());
    j.start();
    show();
    const id = j.head.id;
    j.push({ type: 'worker_activity', effect_id: id, items: [{ at_ms: 5, kind: 'tool', text: 'Edit src/auth.ts' }, { at_ms: 9, kind: 'tool', text: 'Bash npm test' }] });
    show();
    j.push({ type: 'worker_activity', effect_id: id, items: [{ at_ms: 1200, kind: 'usage', text: 'tokens 12.3k' }] });
    show();
    j.result(id, R.plan('one'));
    show();
    expect(lines).toEqual([
      '▶ PLAN       asking the planner for milestones',
      '    · Edit src/auth.ts',
      '    · Bash npm test',
      '    · tokens 12.3k',
      '✓ PLAN       1 milestone: one',
    ]);
  });
});

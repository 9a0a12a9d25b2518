import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/cli/render/output.js';

const value = { run_id: 'r1', milestones: [{ id: 'm1', status: 'complete' }], note: 'a\nb' };

describe('jsonText: how a JSON object is laid out on stdout', () => {
  it('a document on a terminal is indented two spaces and parses back to the same value', () => {
    const text = jsonText(value, 'document', true);
    expect(text).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(text.split('\n')[1]).toBe('  "run_id": "r1",');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('a document to a pipe or file is one line, exactly as before', () => {
    expect(jsonText(value, 'document', false)).toBe(`${JSON.stringify(value)}\n`);
  });

  it('a stream record is one line even on a terminal', () => {
    for (const terminal of [true, false]) {
      const text = jsonText(value, 'stream', terminal);
      expect(text).toBe(`${JSON.stringify(value)}\n`);
      expect(text.trimEnd()).not.toContain('\n');
    }
  });
});

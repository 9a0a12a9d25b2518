import { describe, expect, it } from 'vitest';
import { extractLastJsonObject } from '../../src/workers/extract-result.js';

describe('extractLastJsonObject', () => {
  it('takes the last top-level object after prose', () => {
    const out = 'I looked at {the code} and changed it.\n{"status":"ok","summary":"first"}\nmore text\n{"status":"ok","summary":"last"}\n';
    expect(extractLastJsonObject(out)).toEqual({ status: 'ok', summary: 'last' });
  });

  it('accepts a fenced json block, even when prose follows it', () => {
    const out = 'Done.\n```json\n{"verdict": "approve", "comments": []}\n```\nThanks!';
    expect(extractLastJsonObject(out)).toEqual({ verdict: 'approve', comments: [] });
  });

  it('does not take an object nested inside the result as the result', () => {
    const out = '{"milestones":[{"goal":"a","files_expected":[]},{"goal":"b"}]}';
    expect(extractLastJsonObject(out)).toEqual({ milestones: [{ goal: 'a', files_expected: [] }, { goal: 'b' }] });
  });

  it('handles braces and quotes inside strings', () => {
    const out = '{"status":"ok","summary":"wrote fn() { return \\"}\\" }"}';
    expect(extractLastJsonObject(out)).toEqual({ status: 'ok', summary: 'wrote fn() { return "}" }' });
  });

  it('recovers after a stray opening brace in prose', () => {
    const out = 'use a { here\nand then\n{"status":"blocked","blocked_reason":"no access"}';
    expect(extractLastJsonObject(out)).toEqual({ status: 'blocked', blocked_reason: 'no access' });
  });

  it('returns undefined when there is no JSON object (arrays and scalars do not count)', () => {
    expect(extractLastJsonObject('nothing here')).toBeUndefined();
    expect(extractLastJsonObject('[1,2,3]\n42\n"str"')).toBeUndefined();
    expect(extractLastJsonObject('{"unterminated": ')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { render } from '../../src/engine/prompts/template.js';

describe('render', () => {
  it('fills placeholders and keeps sections only when their value is non-empty', () => {
    const t = 'A {{x}}{{#fail}}\nFAIL: {{fail}}{{/fail}}{{#none}}\nNONE{{/none}}';
    expect(render(t, { x: 1, fail: 'boom', none: '' })).toBe('A 1\nFAIL: boom');
  });

  it('never re-interprets inserted values', () => {
    expect(render('{{a}}', { a: '{{b}} {{#b}}x{{/b}}', b: 'B' })).toBe('{{b}} {{#b}}x{{/b}}');
  });
});

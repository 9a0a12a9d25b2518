// The collision gate before every IMPLEMENT of an orchestration's task (SPEC §9): who passes, who waits, and for whom.
import { describe, expect, it } from 'vitest';
import type { CollisionPolicy } from '../../src/contracts/orchestration.js';
import type { TouchSet } from '../../src/orchestrate/collisions.js';
import { CollisionGate, type GateAnswer } from '../../src/orchestrate/gate.js';

const files = (...patterns: string[]): TouchSet => ({ known: true, patterns });
const UNKNOWN: TouchSet = { known: false, patterns: [] };

/** Well under the gate's own 2 s re-check: an answer this fast came from a wake-up, not from the timer. */
const PROMPT_MS = 600;

function gateOf(order: string[], touch: Record<string, TouchSet>, policy: CollisionPolicy = 'serialize') {
  const sets = new Map(Object.entries(touch));
  const waits: [string, string][] = [];
  const goes: string[] = [];
  const gate = new CollisionGate({
    order, policy,
    touchOf: async (key) => sets.get(key) ?? UNKNOWN,
    onWait: (key, detail) => waits.push([key, detail]),
    onGo: (key) => goes.push(key),
  });
  for (const key of order) gate.join(key);
  return { gate, sets, waits, goes };
}

const signal = () => new AbortController().signal;

/** The answer, or 'pending' when it did not come within `ms`. */
async function within(answer: Promise<GateAnswer>, ms: number): Promise<GateAnswer | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'pending'>((resolve) => { timer = setTimeout(() => resolve('pending'), ms); });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('tasks on different files', () => {
  it('both pass at once, and nobody is told to wait', async () => {
    const { gate, waits } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/auth/**'), 'ui/theme': files('src/theme.css') });
    const answers = await Promise.all([within(gate.enter('auth/login', signal()), PROMPT_MS), within(gate.enter('ui/theme', signal()), PROMPT_MS)]);
    expect(answers).toEqual([{ pass: true }, { pass: true }]);
    expect(waits).toEqual([]);
  });
});

describe('tasks on the same files (serialize)', () => {
  it('the second waits (told once, naming the first) until the first leaves, then goes at once', async () => {
    const { gate, waits, goes } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/app.ts'), 'ui/theme': files('src/app.ts', 'src/theme.css') });
    expect(await gate.enter('auth/login', signal())).toEqual({ pass: true });
    const second = gate.enter('ui/theme', signal());
    expect(await within(second, 2_300)).toBe('pending');
    expect(waits).toEqual([['ui/theme', 'waits for auth/login: both may change src/app.ts']]);
    expect(goes).toEqual([]);

    const left = Date.now();
    gate.leave('auth/login');
    expect(await within(second, PROMPT_MS)).toEqual({ pass: true });
    expect(Date.now() - left).toBeLessThan(PROMPT_MS);
    expect(goes).toEqual(['ui/theme']);
    expect(waits).toHaveLength(1);
  });

  it('a task whose run changed files outside its plan blocks a newcomer on those files', async () => {
    const { gate, sets, waits } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/auth/**'), 'ui/theme': files('src/theme.css') });
    expect(await gate.enter('auth/login', signal())).toEqual({ pass: true });
    sets.set('auth/login', files('src/auth/**', 'src/theme.css'));
    const second = gate.enter('ui/theme', signal());
    expect(await within(second, 300)).toBe('pending');
    expect(waits).toEqual([['ui/theme', 'waits for auth/login: both may change src/theme.css']]);
    gate.leave('auth/login');
    expect(await within(second, PROMPT_MS)).toEqual({ pass: true });
  });

  it('two tasks at the gate together: the earlier in order goes first, the later waits for it (no deadlock)', async () => {
    const { gate, waits } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/app.ts'), 'ui/theme': files('src/app.ts') });
    const later = gate.enter('ui/theme', signal());
    const earlier = gate.enter('auth/login', signal());
    expect(await within(earlier, PROMPT_MS)).toEqual({ pass: true });
    expect(await within(later, 300)).toBe('pending');
    expect(waits).toEqual([['ui/theme', 'waits for auth/login: both may change src/app.ts']]);
    gate.leave('auth/login');
    expect(await within(later, PROMPT_MS)).toEqual({ pass: true });
  });

  it('a task back at the gate for its next milestone frees its files while it waits', async () => {
    // ui/theme holds src/app.ts; auth/login (earlier in order) waits for it; ui/theme comes back wanting more.
    const { gate, sets, waits } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/app.ts'), 'ui/theme': files('src/app.ts') });
    expect(await gate.enter('ui/theme', signal())).toEqual({ pass: true });
    const login = gate.enter('auth/login', signal());
    expect(await within(login, 300)).toBe('pending');
    expect(waits).toEqual([['auth/login', 'waits for ui/theme: both may change src/app.ts']]);

    sets.set('ui/theme', files('src/app.ts', 'src/theme.css'));
    const themeAgain = gate.enter('ui/theme', signal());
    expect(await within(login, PROMPT_MS)).toEqual({ pass: true });
    expect(await within(themeAgain, 300)).toBe('pending');
    expect(waits.at(-1)).toEqual(['ui/theme', 'waits for auth/login: both may change src/app.ts']);
    gate.leave('auth/login');
    expect(await within(themeAgain, PROMPT_MS)).toEqual({ pass: true });
  });

  it('a task without a plan (unknown files) waits for anyone executing, and blocks anyone after it', async () => {
    const { gate, sets, waits } = gateOf(['auth/login', 'ui/theme', 'docs/readme'], {
      'auth/login': files('src/auth/**'), 'ui/theme': UNKNOWN, 'docs/readme': files('README.md'),
    });
    expect(await gate.enter('auth/login', signal())).toEqual({ pass: true });
    const theme = gate.enter('ui/theme', signal());
    expect(await within(theme, 300)).toBe('pending');
    expect(waits).toEqual([['ui/theme', 'waits for auth/login: a task without a plan yet may change any file']]);
    gate.leave('auth/login');
    expect(await within(theme, PROMPT_MS)).toEqual({ pass: true });

    const readme = gate.enter('docs/readme', signal());
    expect(await within(readme, 300)).toBe('pending');
    expect(waits.at(-1)).toEqual(['docs/readme', 'waits for ui/theme: a task without a plan yet may change any file']);
    sets.set('ui/theme', files('src/theme.css'));
    gate.leave('ui/theme');
    expect(await within(readme, PROMPT_MS)).toEqual({ pass: true });
  });

  it('an abort ends the wait at once with {aborted: true}', async () => {
    const { gate } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/app.ts'), 'ui/theme': files('src/app.ts') });
    expect(await gate.enter('auth/login', signal())).toEqual({ pass: true });
    const controller = new AbortController();
    const second = gate.enter('ui/theme', controller.signal);
    expect(await within(second, 200)).toBe('pending');
    controller.abort();
    expect(await within(second, PROMPT_MS)).toEqual({ aborted: true });
  });

  it('an already aborted signal is answered without passing', async () => {
    const { gate } = gateOf(['auth/login'], { 'auth/login': files('src/app.ts') });
    const controller = new AbortController();
    controller.abort();
    expect(await within(gate.enter('auth/login', controller.signal), PROMPT_MS)).toEqual({ aborted: true });
  });
});

describe('policy fail', () => {
  it('the later task is refused, naming the task it collides with and why', async () => {
    const { gate, waits } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/**'), 'ui/theme': files('src/theme.css') }, 'fail');
    expect(await gate.enter('auth/login', signal())).toEqual({ pass: true });
    expect(await within(gate.enter('ui/theme', signal()), PROMPT_MS)).toEqual({ pass: false, with: 'auth/login', why: 'src/theme.css and src/** may name the same files' });
    expect(waits).toEqual([]);
  });

  it('tasks on different files still both pass', async () => {
    const { gate } = gateOf(['auth/login', 'ui/theme'], { 'auth/login': files('src/auth/**'), 'ui/theme': files('src/theme.css') }, 'fail');
    expect(await gate.enter('auth/login', signal())).toEqual({ pass: true });
    expect(await within(gate.enter('ui/theme', signal()), PROMPT_MS)).toEqual({ pass: true });
  });
});

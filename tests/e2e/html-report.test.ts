/**
 * The HTML report (`runr report --html`, `runr orchestrate report --html`) opened in a real browser (Debian's
 * chromium through playwright-core): it loads from disk with no console error and no request, holds the key
 * elements, works with the keyboard; screenshots at desktop and phone widths go to reports/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approve, ok, plan, ROOT, startRun, TestRepo } from '../helpers/harness.js';
import { twoMilestoneScript } from '../helpers/crash.js';
import { addPaletteSample, contrastFailures } from '../helpers/contrast.js';
import { orchRepos } from '../helpers/orchestrate.js';
import { orchestrationReportHtml, runReportHtml } from '../../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A secret-named variable's value, set only when the report is written: the page redacts it. */
const SECRET = 'zq-html-report-secret-4821';
const SECRET_ENV = { HTML_REPORT_TEST_TOKEN: SECRET };
const SCREENSHOTS = path.join(ROOT, 'reports', 'screenshots');

let browser: Browser;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need chromium at ${CHROMIUM}: install it (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) fs.rmSync(path.dirname(r.dir), { recursive: true, force: true });
});

/** Opens a file in a fresh page, recording console errors, page errors and every request. */
async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForLoadState('load');
  return { page, errors, requests: requests.filter((r) => r !== url) };
}

/** Tab until a <summary> has the focus, then Enter opens its <details>. */
async function expectKeyboardOpensDetails(page: Page) {
  let tag = '';
  for (let i = 0; i < 60 && tag !== 'SUMMARY'; i++) {
    await page.keyboard.press('Tab');
    tag = await page.evaluate(() => document.activeElement?.tagName ?? '');
  }
  expect(tag, 'Tab never reached a <summary>').toBe('SUMMARY');
  const openBefore = await page.evaluate(() => (document.activeElement!.parentElement as HTMLDetailsElement).open);
  await page.keyboard.press('Enter');
  const openAfter = await page.evaluate(() => (document.activeElement!.parentElement as HTMLDetailsElement).open);
  expect(openAfter).toBe(!openBefore);
}

/** Every text of the page reads at WCAG AA (4.5:1) against what it is drawn on, in light and in dark mode. */
async function expectReadableContrast(page: Page) {
  const { measured, failing } = await contrastFailures(page);
  expect(failing).toEqual([]);
  expect(measured).toBeGreaterThan(40);
}

async function screenshots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const file = path.join(SCREENSHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(0);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1280, height: 900 });
  const dark = path.join(SCREENSHOTS, `${name}-1280-dark.png`);
  await page.screenshot({ path: dark, fullPage: true });
  expect(fs.statSync(dark).size).toBeGreaterThan(0);
  await page.setViewportSize({ width: 390, height: 900 });
  // At phone width the page itself does not scroll sideways (wide tables and the diff scroll in their boxes).
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

describe('HTML report of a stopped two-milestone run', { timeout: 180_000 }, () => {
  it('loads from file:// with no error or request; shows the timeline, the failing check, the stop and next command, the diff of m1', async () => {
    const repo = new TestRepo({
      task: `# Add <b>two</b> modules ${SECRET}\n\n## Goal\nAdd src/a.js and src/b.js.\n`,
      files: { 'check.js': "if (require('fs').existsSync('src/b.js')) { console.error('BOOM: b is wrong'); process.exit(1) }\n" },
      config: { limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: {
        PLAN: [{ result: plan('add a', 'add b') }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'export const b = 2;\n' }, result: ok('b') }],
        REVIEW: [{ result: approve() }],
      },
    });
    repos.push(repo);
    const { runId, exitCode, stderr } = await startRun(repo);
    expect(exitCode, stderr).toBe(1);
    const events = repo.events(runId);
    const workerCalls = events.filter((e) => e.type === 'effect_started' && e.effect.kind === 'worker').length;

    const human = await repo.runr(['report', runId, '--html'], { env: SECRET_ENV });
    expect(human.exitCode, human.stderr).toBe(0);
    const file = path.join(repo.runDir(runId), 'report.html');
    expect(human.stdout.trim()).toBe(file);
    const out = path.join(path.dirname(repo.dir), 'elsewhere', 'r.html');
    const json = await repo.runr(['report', 'latest', '--html', '--out', out, '--json'], { env: SECRET_ENV });
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.json()).toEqual({ html: out });
    expect(fs.readFileSync(out, 'utf8')).toContain('<h1>Add &lt;b&gt;two&lt;/b&gt; modules [REDACTED]</h1>');
    expect(fs.readFileSync(file, 'utf8')).not.toContain(SECRET);
    const outAlone = await repo.runr(['report', runId, '--out', out, '--json']);
    expect(outAlone.exitCode).toBe(2);
    expect(outAlone.json().error.code).toBe('out_without_html');
    // The library gives the same page as a string.
    process.env.HTML_REPORT_TEST_TOKEN = SECRET;
    try {
      expect(await runReportHtml(repo.dir, runId)).toBe(fs.readFileSync(file, 'utf8'));
    } finally {
      delete process.env.HTML_REPORT_TEST_TOKEN;
    }

    const { page, errors, requests } = await open(file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.textContent('h1')).toBe('Add <b>two</b> modules [REDACTED]');
    expect(await page.locator('svg.timeline g.bar[data-kind="worker"]').count()).toBe(workerCalls);
    expect(await page.textContent('#stop-reason')).toBe('Stopped: verification_failed_max_retries');
    expect(await page.textContent('#next-command')).toBe(`runr resume ${runId}`);
    expect(await page.locator('.failed-command').first().textContent()).toBe('node check.js');
    expect(await page.locator('#verify-h ~ details pre').first().textContent()).toContain('BOOM: b is wrong');
    const m1 = page.locator('details.diff[data-milestone="m1"]');
    expect(await m1.locator('pre').textContent()).toContain('+export const a = 1;');
    expect(await page.locator('details.diff[data-milestone="m2"]').count()).toBe(0);

    await expectReadableContrast(page);
    await expectKeyboardOpensDetails(page);
    await screenshots(page, 'run-report');
    await page.close();
  });
});

describe('HTML report of a run with approval gates', { timeout: 180_000 }, () => {
  it('shows each gate reached with when it was asked and decided, the verdict and the reason; usage per worker', async () => {
    const repo = new TestRepo({
      config: { approvals: ['plan', 'checkpoint'] },
      script: twoMilestoneScript({ PLAN: [{ result: plan('add a and b') }, { result: plan('add a', 'add b') }] }),
    });
    repos.push(repo);
    const { runId, exitCode } = await startRun(repo);
    expect(exitCode).toBe(1);
    expect((await repo.runr(['reject', runId, '--reason', 'split it into one milestone per file'])).exitCode).toBe(1);
    expect((await repo.runr(['approve', runId])).exitCode).toBe(1);
    expect((await repo.runr(['approve', runId])).exitCode).toBe(1);
    const last = await repo.runr(['approve', runId]);
    expect(last.exitCode, last.stderr).toBe(0);
    const journaled = repo.events(runId).filter((e) => e.type === 'run_resumed' && e.approval);
    expect(journaled).toHaveLength(4);

    expect((await repo.runr(['report', runId, '--html'])).exitCode).toBe(0);
    const { page, errors } = await open(path.join(repo.runDir(runId), 'report.html'));
    expect(errors).toEqual([]);
    const rows = await page.locator('#approvals-h ~ div table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['plan', '—', expect.any(String), journaled[0]!.ts, 'rejected', 'split it into one milestone per file'],
      ['plan', '—', expect.any(String), journaled[1]!.ts, 'approved', '—'],
      ['checkpoint', 'm1', expect.any(String), journaled[2]!.ts, 'approved', '—'],
      ['checkpoint', 'm2', expect.any(String), journaled[3]!.ts, 'approved', '—'],
    ]);
    for (const [i, row] of rows.entries()) expect(Date.parse(row[2]!)).toBeLessThanOrEqual(Date.parse(journaled[i]!.ts));
    expect(await page.textContent('#approvals-h + p')).toBe('Approval gates in the config: plan, checkpoint.');
    // Usage per worker: the scripted agent serves every role.
    const workers = await page.locator('table:has(caption:text-is("Usage per worker")) tbody tr td:first-child').allTextContents();
    expect(workers).toEqual(['planner (command)', 'implementer (command)', 'reviewer (command)', 'all command workers (planner, implementer, reviewer)']);
    await expectReadableContrast(page);
    await page.close();
  });
});

describe('HTML report of an orchestration', { timeout: 180_000 }, () => {
  const newRepo = orchRepos();
  it('loads with no error or request; a bar per task on one row per track; the integration and next command; every colour of its palette reads at AA', async () => {
    const repo = newRepo({
      tasks: { 'tasks/one.md': { title: 'One' }, 'tasks/two.md': { title: 'Two' } },
      tracks: [{ id: 'left', tasks: ['tasks/one.md'] }, { id: 'right', tasks: ['tasks/two.md'] }],
    });
    const r = await repo.run(['--fast']);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = r.start.orchestration_id;
    const written = await repo.orchestrate(['report', id, '--html', '--json']);
    expect(written.exitCode, written.stderr).toBe(0);
    const file = path.join(r.start.orch_dir, 'report.html');
    expect(written.json()).toEqual({ html: file });
    expect(await orchestrationReportHtml(repo.dir, id)).toBe(fs.readFileSync(file, 'utf8'));

    const { page, errors, requests } = await open(file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.textContent('h1')).toBe(`Orchestration ${id}`);
    expect(await page.locator('svg.timeline g.bar[data-kind="task"]').count()).toBe(2);
    expect(await page.textContent('#stop-reason')).toBe('Complete');
    expect(await page.textContent('#next-command')).toBe((await repo.status(id)).suggested_command);
    expect(await page.textContent('#integration-h + p')).toContain(`runr/orch/${id}`);
    // Usage over both tasks' runs (--fast: IMPLEMENT only, one call each), per phase and per worker.
    const cells = (caption: string, col: number) => page.locator(`table:has(caption:text-is("${caption}")) tbody tr td:nth-child(${col})`).allTextContents();
    expect(await cells('Usage per phase', 1)).toEqual(['IMPLEMENT', 'total (with fix runs)']);
    expect(await cells('Usage per phase', 2)).toEqual(['2', '2']);
    expect(await cells('Usage per worker', 1)).toEqual(['implementer (command)']);
    expect(await cells('Usage per worker', 2)).toEqual(['2']);
    await expectReadableContrast(page);
    await screenshots(page, 'orchestration-report');

    // Every colour of the palette, not only those this run drew: a bar label on each, ok/bad/muted text on the page and on panels.
    await page.emulateMedia({ colorScheme: null });
    expect(await addPaletteSample(page)).toEqual(expect.arrayContaining(['ok', 'bad', 'warn', 'PLAN', 'IMPLEMENT', 'GUARD', 'VERIFY', 'REVIEW', 'CHECKPOINT', 'OTHER']));
    await expectReadableContrast(page);
    // The measure finds a pair below AA (grey on grey, 1.4:1), in both schemes.
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<p id="low" style="color:#767676;background:#8a8a8a">low</p>'));
    const { failing } = await contrastFailures(page);
    expect(failing.map((f) => `${f.scheme} ${f.selector}`)).toEqual(['light p#low', 'dark p#low']);
    await page.close();
  });
});

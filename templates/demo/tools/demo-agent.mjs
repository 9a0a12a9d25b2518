#!/usr/bin/env node
// A scripted, deterministic stand-in for an AI coding agent, so that the runr demo works offline
// with no API key. It speaks runr's worker protocol (`"type": "command"` workers):
//
//   - cwd is the run's worktree, the full prompt arrives on stdin;
//   - RUNR_PHASE says what to do (PLAN | IMPLEMENT | REVIEW), RUNR_MILESTONE_INDEX (0-based) and
//     RUNR_ATTEMPT (1-based) say which milestone and which try;
//   - it prints a few human lines, then ends stdout with the result JSON on a line of its own.
//
// The script: milestone 0 (slugify) is written with a bug on the first attempt, so verification
// fails and runr asks for a fix; the second attempt is correct. Milestone 1 (wordCount) is right
// at once. DEMO_BREAK=1 keeps milestone 0 buggy on every attempt (the run then stops with
// verification_failed_max_retries; `runr resume` without DEMO_BREAK completes it).
// DEMO_FAST=1 skips the pauses that are only there so a person can watch it work.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const phase = (process.env.RUNR_PHASE ?? '').toUpperCase();
const milestone = toInt(process.env.RUNR_MILESTONE_INDEX, 0);
const attempt = toInt(process.env.RUNR_ATTEMPT, 1);
const broken = process.env.DEMO_BREAK === '1';
const fast = process.env.DEMO_FAST === '1';

const prompt = await readStdin();

function toInt(value, fallback) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
}

async function readStdin() {
  if (process.stdin.isTTY) return '';
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms) {
  return fast ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

async function say(line, pauseMs = 400) {
  process.stdout.write(`[demo-agent] ${line}\n`);
  await sleep(pauseMs);
}

function finish(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function write(relPath, content) {
  const file = path.join(process.cwd(), relPath);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  await say(`wrote ${relPath}`, 300);
}

// --- the code it "writes" ---------------------------------------------------------------------

const SLUGIFY_BUGGY = `/** Turns text into a URL slug: "Hello, World!" -> "hello-world". */
export function slugify(text) {
  return String(text).toLowerCase().trim().replace(/ /g, '-');
}
`;

const SLUGIFY = `/** Turns text into a URL slug: "Hello, World!" -> "hello-world". */
export function slugify(text) {
  return String(text)
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '') // drop the accents NFKD split off
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
`;

const WORD_COUNT = `/** Number of whitespace-separated words in text; 0 for blank text. */
export function wordCount(text) {
  if (typeof text !== 'string') throw new TypeError('wordCount() expects a string');
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\\s+/).length;
}
`;

const INDEX_1 = `// String helpers of the runr demo project.
export { slugify } from './slugify.js';
`;

const INDEX_2 = `// String helpers of the runr demo project.
export { slugify } from './slugify.js';
export { wordCount } from './word-count.js';
`;

// --- phases -----------------------------------------------------------------------------------

async function plan() {
  await say(`reading the task (${prompt.length} characters of prompt)`, 500);
  await say('splitting the work into 2 milestones', 500);
  finish({
    milestones: [
      {
        goal: 'Add slugify() in src/slugify.js and re-export it from src/index.js',
        files_expected: ['src/slugify.js', 'src/index.js'],
        done_checks: ['npm test passes, including the slugify() tests'],
      },
      {
        goal: 'Add wordCount() in src/word-count.js and re-export it from src/index.js',
        files_expected: ['src/word-count.js', 'src/index.js'],
        done_checks: ['npm test passes, including the wordCount() tests'],
      },
    ],
    usage: { input_tokens: 1200 + prompt.length, output_tokens: 180, cost_usd: 0 },
  });
}

async function implement() {
  await say(`milestone ${milestone + 1}, attempt ${attempt}: reading the prompt`, 400);
  if (milestone === 0) {
    if (attempt > 1) await say('the last attempt failed verification; fixing slugify()', 500);
    const buggy = broken || attempt === 1;
    await say(buggy ? 'writing a quick slugify() (spaces to dashes should be enough...)' : 'writing slugify() that strips punctuation and accents', 500);
    await write('src/slugify.js', buggy ? SLUGIFY_BUGGY : SLUGIFY);
    await write('src/index.js', INDEX_1);
    finish({
      status: 'ok',
      summary: buggy
        ? 'Added slugify() (replaces spaces with dashes) and exported it from src/index.js.'
        : 'Rewrote slugify(): normalises accents, collapses every run of non-alphanumerics into one dash, trims dashes.',
      usage: { input_tokens: 2400 + prompt.length, output_tokens: 320 + attempt * 40, cost_usd: 0 },
    });
    return;
  }
  if (milestone === 1) {
    await say('writing wordCount()', 500);
    await write('src/word-count.js', WORD_COUNT);
    await write('src/index.js', INDEX_2);
    finish({
      status: 'ok',
      summary: 'Added wordCount() and exported it from src/index.js.',
      usage: { input_tokens: 2600 + prompt.length, output_tokens: 290, cost_usd: 0 },
    });
    return;
  }
  await say('nothing left to do for this milestone', 300);
  finish({ status: 'ok', summary: 'Nothing to change.', usage: { input_tokens: 900, output_tokens: 40, cost_usd: 0 } });
}

async function review() {
  await say(`reviewing the diff of milestone ${milestone + 1}`, 500);
  await say('tests pass and the change stays inside src/: approving', 400);
  finish({ verdict: 'approve', comments: [], usage: { input_tokens: 1800 + prompt.length, output_tokens: 60, cost_usd: 0 } });
}

switch (phase) {
  case 'PLAN':
    await plan();
    break;
  case 'IMPLEMENT':
    await implement();
    break;
  case 'REVIEW':
    await review();
    break;
  default:
    process.stderr.write(`[demo-agent] unknown RUNR_PHASE "${phase}" (expected PLAN, IMPLEMENT or REVIEW)\n`);
    finish({ status: 'failed', summary: `unknown phase "${phase}"` });
    process.exitCode = 1;
}

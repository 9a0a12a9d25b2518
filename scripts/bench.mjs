#!/usr/bin/env node
// `npm run bench`: runr's own overhead per milestone (everything except the worker processes' and verification commands' own time) in
// repositories of growing size, and the start-up time of read-only commands against a bare `node -e 0`.
// Prints figures; asserts nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRepo, MILESTONES } from './bench-repo.mjs';

const runr = fileURLToPath(new URL('../bin/runr.js', import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '10,2000,20000').split(',').map(Number);

/**
 * From the journal: time spent creating the worktree and finishing the run (once per run, not per
 * milestone), and the time the worker processes and verification commands themselves ran (their
 * results' duration_ms). What runr does around a call (prompts, integrity snapshots) counts as runr's.
 */
function journalTimes(journal) {
  const events = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const started = new Map();
  const t = { setup: 0, worker: 0, verify: 0 };
  for (const e of events) {
    if (e.type === 'effect_started' && (e.effect.kind === 'prepare_workspace' || e.effect.kind === 'finalize')) started.set(e.effect.id, Date.parse(e.ts));
    if (e.type === 'effect_result' && started.has(e.effect_id)) t.setup += Date.parse(e.ts) - started.get(e.effect_id);
    if (e.type === 'effect_result' && e.result.kind === 'worker') t.worker += e.result.duration_ms ?? 0;
    if (e.type === 'effect_result' && e.result.kind === 'verify') t.verify += (e.result.commands ?? []).reduce((a, c) => a + (c.duration_ms ?? 0), 0);
  }
  return t;
}

function timeMs(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

// With --compare <other runr's bin/runr.js> (or BENCH_COMPARE), every figure is measured for both builds, side by side.
const compareAt = process.argv.indexOf('--compare');
const otherArg = compareAt > 0 ? process.argv[compareAt + 1] : process.env.BENCH_COMPARE;
const other = otherArg ? path.resolve(otherArg) : undefined;
const builds = other ? [['this', runr], ['other', other]] : [['this', runr]];

/** One 5-milestone run of `bin` in a fresh repository of `size` files: its figures in ms. */
function overheadRun(bin, size, milestones = MILESTONES) {
  const dir = makeRepo(size, milestones);
  const r = spawnSync(process.execPath, [bin, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--json'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
  const report = JSON.parse(execFileSync(process.execPath, [bin, 'report', 'latest', '--json'], { cwd: dir, encoding: 'utf8' }));
  const { worker, verify, setup } = journalTimes(path.join(report.run_dir, 'events.ndjson'));
  const overheadMs = report.total_duration_ms - worker - verify - setup;
  return { total: report.total_duration_ms, worker, verify, setup, overheadMs, overhead: overheadMs / milestones, dir };
}

/** What git itself costs for one walk of the tree: `git status` of the repository (median of 5). */
function statusMs(dir) {
  const xs = Array.from({ length: 5 }, () => timeMs(() => execFileSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: dir, stdio: 'pipe' })));
  return xs.sort((a, b) => a - b)[2];
}

console.log(`runr overhead per milestone, on average (${MILESTONES} milestones, the run's start and finish included; instant worker, verification \`true\`; the worker processes' and verification commands' own time left out)`);
console.log('reference per milestone: 50 ms, plus two walks of the tree (two `git status` of the same repository); the floors are per extra milestone (below), since this average also carries the run\'s start and finish');
console.log(`files in repo |${other ? ' build |' : ''} total run ms | worker processes ms | verify commands ms | workspace setup ms | one git status ms | runr overhead per milestone ms | reference ms`);
for (const size of SIZES) {
  for (const [name, bin] of builds) {
    const f = overheadRun(bin, size);
    const status = statusMs(f.dir);
    const floor = 50 + 2 * status;
    console.log(`${String(size).padStart(13)} |${other ? ` ${name.padEnd(5)} |` : ''} ${String(f.total).padStart(12)} | ${String(f.worker).padStart(19)} | ${String(f.verify).padStart(18)} | ${String(f.setup).padStart(18)} | ${status.toFixed(1).padStart(17)} | ${f.overhead.toFixed(1).padStart(29)} | ${floor.toFixed(0).padStart(12)}${f.overhead <= floor ? '' : ' (above)'}`);
  }
}

// What one more milestone costs: the overhead of a 7-milestone run minus that of a 2-milestone run, over
// the 5 milestones between them (the start and finish of a run cancel out). Median of 5 pairs, run in turns.
{
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const extra = new Map(builds.map(([name]) => [name, []]));
  for (let k = 0; k < 5; k++) {
    for (const [name, bin] of builds) extra.get(name).push((overheadRun(bin, 10, 7).overheadMs - overheadRun(bin, 10, 2).overheadMs) / 5);
  }
  console.log('\nrunr overhead per extra milestone (10 files: a 7-milestone run minus a 2-milestone run, over 5; median of 5 pairs); floor 50 ms');
  for (const [name] of builds) {
    const ms = median(extra.get(name));
    console.log(`  ${other ? `${name.padEnd(5)} ` : ''}${ms.toFixed(1)} ms${ms <= 50 ? '' : ' (over)'}   [${extra.get(name).map((x) => x.toFixed(0)).join(', ')}]`);
  }
}

// How many git commands walk the whole working tree per milestone (git's own trace counts them).
{
  const { benchScans } = await import('./bench-scans.mjs');
  for (const [name, bin] of builds) benchScans(bin, other ? name : undefined);
}

// The sandbox's cost per worker call: the same runs confined (bubblewrap) and unconfined (--sandbox off),
// and a bare process start (`true`) through runr's process runner with and without bwrap around it.
{
  const dir = makeRepo(10);
  const perCall = { off: [], auto: [] };
  const runOnce = (mode) => {
    const r = spawnSync(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--json', '--sandbox', mode], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`run --sandbox ${mode} failed: ${r.stderr}`);
    const report = JSON.parse(execFileSync(process.execPath, [runr, 'report', 'latest', '--json'], { cwd: dir, encoding: 'utf8' }));
    const calls = ['PLAN', 'IMPLEMENT', 'REVIEW'].map((p) => report.phases[p]);
    perCall[mode].push(calls.reduce((t, p) => t + p.duration_ms, 0) / calls.reduce((n, p) => n + p.count, 0));
  };
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const { runProcess } = await import('../dist/util/process.js');
  const { confine } = await import('../dist/workers/sandbox/confine.js');
  const { probeSandbox } = await import('../dist/workers/sandbox/probe.js');
  const { bwrap, reason } = await probeSandbox();
  if (!bwrap) {
    console.log(`\nsandbox: not measured (${reason})`);
  } else {
    for (let i = 0; i < 5; i++) for (const mode of ['off', 'auto']) runOnce(mode);
    const [off, on] = [median(perCall.off), median(perCall.auto)];
    console.log(`\nsandbox cost per worker call (median of 5 runs each, ${MILESTONES * 2 + 1} calls per run, trivial node worker)`);
    console.log(`  unconfined ${off.toFixed(1)} ms, confined ${on.toFixed(1)} ms: +${(on - off).toFixed(1)} ms per call`);
    const spawnMs = async (sandbox) => {
      const xs = [];
      for (let i = 0; i < 20; i++) {
        const spec = sandbox ? confine({ bwrap, repoRoot: dir, workDir: dir, runDir: dir, writable: [] }, process.env) : undefined;
        xs.push((await runProcess({ file: 'true', cwd: dir, env: process.env, sandbox: spec })).durationMs);
      }
      return xs.sort((a, b) => a - b)[10];
    };
    const bare = await spawnMs(false);
    const boxed = await spawnMs(true);
    console.log(`  process start (median of 20, \`true\`): ${bare} ms bare, ${boxed} ms in bubblewrap: +${boxed - bare} ms`);
  }
}

// wait: how long after the run's last journal event `runr wait` returns (SPEC: within 100 ms).
{
  const dir = makeRepo(10);
  // The agent waits for this file: in a directory of its own, which the sandbox must show it (its /tmp is private).
  const gate = path.join(dir, '..', 'gate');
  const release = path.join(gate, 'release');
  fs.mkdirSync(gate);
  const configPath = path.join(dir, '.runr', 'runr.config.json');
  fs.writeFileSync(configPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(configPath, 'utf8')), sandbox_writable: [gate] }));
  fs.writeFileSync(path.join(dir, 'agent.mjs'), `import fs from 'node:fs';
fs.readFileSync(0);
while (!fs.existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 10));
console.log('{"status":"ok"}');
`);
  execFileSync('git', ['commit', '-qam', 'agent'], { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
  const latencies = [];
  for (let i = 0; i < 5; i++) {
    fs.rmSync(release, { force: true });
    const start = JSON.parse(execFileSync(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--fast', '--detach', '--json'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const { spawn } = await import('node:child_process');
    const waiter = spawn(process.execPath, [runr, 'wait', start.run_id, '--json'], { cwd: dir, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    fs.writeFileSync(release, '');
    await new Promise((r) => waiter.on('exit', r));
    const exitedAt = Date.now();
    const events = fs.readFileSync(path.join(start.run_dir, 'events.ndjson'), 'utf8').trim().split('\n');
    latencies.push(exitedAt - Date.parse(JSON.parse(events.at(-1)).ts));
  }
  latencies.sort((a, b) => a - b);
  console.log(`\nrunr wait: returned ${latencies.join(', ')} ms after the run's last journal event (median ${latencies[2]} ms; includes wait's own exit)`);
}

// Start-up of read-only commands and of a run, next to their floors (and another build's, with --compare).
{
  const dir = makeRepo(10);
  spawnSync(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--fast'], { cwd: dir });
  const { benchStartup } = await import('./bench-startup.mjs');
  benchStartup(runr, dir, other);
}

// Wall time of an orchestration of parallel tracks against its ideal.
await import('./bench-orchestrate.mjs');

// Peak memory and bytes written when a worker or a verification prints hundreds of MB.
await import('./bench-memory.mjs');

#!/usr/bin/env node
// Part of `npm run bench` (also runs alone: `node scripts/bench-memory.mjs` after a build): runr's peak
// memory (VmHWM of the runr process, polled from /proc) and the bytes it writes under .runr when a
// worker prints 100 MB and when a verification command prints 300 MB. Prints figures; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runr = fileURLToPath(new URL('../bin/runr.js', import.meta.url));
const MB = 1_000_000;
const FLOOR_MB = 150;
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };

// Prints `argv[2]` MB of log-like lines (waiting for the pipe), then, as a worker, its phase's result.
const LOUD = `import fs from 'node:fs';
if (process.env.RUNR_PHASE) fs.readFileSync(0);
const line = 'noise line of a command that prints a lot, like a verbose build or test log .........\\n';
const piece = line.repeat(Math.ceil(65_536 / line.length));
const write = (text) => new Promise((r) => (process.stdout.write(text) ? r() : process.stdout.once('drain', r)));
for (let left = Number(process.argv[2]) * 1_000_000; left > 0; left -= piece.length) await write(left >= piece.length ? piece : piece.slice(0, left));
const results = { PLAN: { milestones: [{ goal: 'one' }] }, IMPLEMENT: { status: 'ok', summary: 'done' }, REVIEW: { verdict: 'approve', comments: [] } };
if (process.env.RUNR_PHASE) await write('\\n' + JSON.stringify(results[process.env.RUNR_PHASE]) + '\\n');
if (process.env.RUNR_PHASE === 'IMPLEMENT') fs.writeFileSync('touched.txt', 'x');
`;

function repoWith(workerMb, verifyMb) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-bench-mem-')), 'repo');
  fs.mkdirSync(path.join(dir, '.runr', 'tasks'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'loud.mjs'), LOUD);
  execFileSync('git', ['init', '-q'], { cwd: dir, env });
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-qm', 'init'], { cwd: dir, env });
  const worker = { type: 'command', command: ['node', 'loud.mjs', String(workerMb)] };
  fs.writeFileSync(path.join(dir, '.runr', 'runr.config.json'), JSON.stringify({
    verification: { tier2: [`node loud.mjs ${verifyMb}`] },
    workers: { planner: worker, implementer: worker, reviewer: worker },
  }));
  fs.writeFileSync(path.join(dir, '.runr', 'tasks', 't.md'), '# Loud\n\n## Goal\nPrint a lot.\n');
  return dir;
}

/** The peak resident set of the process, from /proc (null where there is none). */
function peakKb(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb);
  } catch {
    return null;
  }
}

function bytesUnder(dir, skip) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += skip.includes(entry.name) ? 0 : bytesUnder(full, skip);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

async function measure(dir) {
  const started = Date.now();
  const child = spawn(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--fast', '--json'], { cwd: dir, stdio: 'ignore' });
  let peak = 0;
  const poll = setInterval(() => { peak = Math.max(peak, peakKb(child.pid) ?? 0); }, 20);
  const code = await new Promise((r) => child.on('exit', r));
  clearInterval(poll);
  return { code, peakMb: (peak * 1024) / MB, writtenMb: bytesUnder(path.join(dir, '.runr'), ['worktrees']) / MB, seconds: (Date.now() - started) / 1000 };
}

if (!fs.existsSync('/proc/self/status')) {
  console.log('\npeak memory with large output: not measured (no /proc on this system)');
} else {
  console.log(`\npeak memory with large output (runr's own process, VmHWM; floor ${FLOOR_MB} MB), --fast run`);
  for (const [label, workerMb, verifyMb] of [['baseline: quiet worker', 0, 0], ['worker prints 100 MB', 100, 0], ['verification prints 300 MB', 0, 300]]) {
    const r = await measure(repoWith(workerMb, verifyMb));
    const verdict = r.code !== 0 ? `run failed (exit ${r.code})` : r.peakMb <= FLOOR_MB ? 'under the floor' : 'OVER THE FLOOR';
    console.log(`  ${label.padEnd(27)} peak RSS ${r.peakMb.toFixed(0).padStart(4)} MB (floor ${FLOOR_MB} MB: ${verdict}), ${r.writtenMb.toFixed(1).padStart(5)} MB written under .runr, ${r.seconds.toFixed(1)} s`);
  }
}

// A 10 MB task: the per-event state (state.json, rewritten after every journal event) must not carry it.
{
  const STATE_FLOOR_KB = 100;
  const dir = repoWith(0, 0);
  const filler = 'A requirement, described at length, as a pasted specification would be. '.repeat(140_000);
  fs.writeFileSync(path.join(dir, '.runr', 'tasks', 't.md'), `# Big task\n\n## Goal\nPrint a little.\n\n## Requirements\n${filler}\n`);
  const r = await measure(dir);
  const runs = path.join(dir, '.runr', 'runs');
  const runDir = path.join(runs, fs.readdirSync(runs)[0]);
  const stateKb = fs.statSync(path.join(runDir, 'state.json')).size / 1024;
  const journalKb = fs.statSync(path.join(runDir, 'events.ndjson')).size / 1024;
  const verdict = r.code !== 0 ? `run failed (exit ${r.code})` : stateKb <= STATE_FLOOR_KB ? 'under the floor' : 'OVER THE FLOOR';
  console.log(`\na ${(filler.length / MB).toFixed(0)} MB task, --fast run (one milestone): ${r.seconds.toFixed(1)} s, state.json ${stateKb.toFixed(0)} KB (floor ${STATE_FLOOR_KB} KB: ${verdict}), events.ndjson ${journalKb.toFixed(0)} KB, peak RSS ${r.peakMb.toFixed(0)} MB`);
}

// `npm run bench`, whole-tree git scans per milestone: the git commands that walk the whole working tree
// (`status`, `add -A`/`add --all`, `commit -a`, `ls-files --others`), counted from git's own trace
// (GIT_TRACE2_EVENT) in a 7-milestone and a 2-milestone run. Per milestone is their difference over 5 (as for
// the time a milestone costs); what a run walks once whatever its length is printed beside it. Floor: 2 per
// milestone. Asserts nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeRepo } from './bench-repo.mjs';

const FLOOR = 2;
const WHOLE_TREE = (argv) => {
  const [cmd, ...rest] = argv.slice(1);
  if (cmd === 'status') return true;
  if (cmd === 'add') return rest.includes('-A') || rest.includes('--all') || rest.includes('.');
  if (cmd === 'commit') return rest.includes('-a') || rest.includes('--all');
  if (cmd === 'ls-files') return rest.includes('--others') || rest.includes('-o');
  return false;
};

/** The whole-tree scans of one run of `milestones` milestones, by command; null when it could not be measured. */
function scansOfRun(runr, milestones) {
  const dir = makeRepo(10, milestones);
  const trace = path.join(path.dirname(dir), 'git-trace.json');
  const r = spawnSync(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--json'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_TRACE2_EVENT: trace },
  });
  if (r.status !== 0 || !fs.existsSync(trace)) return { failed: r.status !== 0 ? `run exit ${r.status}` : 'git wrote no trace' };
  const scans = {};
  for (const line of fs.readFileSync(trace, 'utf8').split('\n')) {
    if (!line.includes('"event":"start"')) continue;
    const argv = JSON.parse(line).argv ?? [];
    if (!WHOLE_TREE(argv)) continue;
    const name = argv.slice(1, 3).join(' ');
    scans[name] = (scans[name] ?? 0) + 1;
  }
  return { scans, total: Object.values(scans).reduce((a, b) => a + b, 0) };
}

export function benchScans(runr, label) {
  const [long, short] = [scansOfRun(runr, 7), scansOfRun(runr, 2)];
  if (long.failed || short.failed) {
    console.log(`\nwhole-tree git scans: not measured (${long.failed ?? short.failed})`);
    return;
  }
  const per = (long.total - short.total) / 5;
  const once = short.total - 2 * per;
  console.log(`\nwhole-tree git scans${label ? ` (${label})` : ''} (from GIT_TRACE2_EVENT; a 7-milestone run minus a 2-milestone run, over 5): ${per.toFixed(1)} per milestone; floor ${FLOOR}: ${per <= FLOOR ? 'within' : `over by ${(per - FLOOR).toFixed(1)}`}`);
  console.log(`  besides, ${once.toFixed(0)} per run whatever its length; the 7-milestone run: ${Object.entries(long.scans).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
}

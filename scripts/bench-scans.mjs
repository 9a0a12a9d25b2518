// `npm run bench`, whole-tree git scans per milestone: the git commands that walk the whole working tree
// (`status`, `add -A`/`add --all`, `commit -a`, `ls-files --others`) one 5-milestone run starts, counted from
// git's own trace (GIT_TRACE2_EVENT), divided by its milestones. Floor: 2 per milestone. Asserts nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const FLOOR = 2;
const WHOLE_TREE = (argv) => {
  const [cmd, ...rest] = argv.slice(1);
  if (cmd === 'status') return true;
  if (cmd === 'add') return rest.includes('-A') || rest.includes('--all') || rest.includes('.');
  if (cmd === 'commit') return rest.includes('-a') || rest.includes('--all');
  if (cmd === 'ls-files') return rest.includes('--others') || rest.includes('-o');
  return false;
};

export function benchScans(runr, dir, milestones, label) {
  const trace = path.join(path.dirname(dir), 'git-trace.json');
  const r = spawnSync(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--json'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_TRACE2_EVENT: trace },
  });
  if (r.status !== 0 || !fs.existsSync(trace)) {
    console.log(`\nwhole-tree git scans: not measured (${r.status !== 0 ? `run exit ${r.status}` : 'git wrote no trace'})`);
    return;
  }
  const scans = {};
  for (const line of fs.readFileSync(trace, 'utf8').split('\n')) {
    if (!line.includes('"event":"start"')) continue;
    const argv = JSON.parse(line).argv ?? [];
    if (!WHOLE_TREE(argv)) continue;
    const name = argv.slice(1, 3).join(' ');
    scans[name] = (scans[name] ?? 0) + 1;
  }
  const total = Object.values(scans).reduce((a, b) => a + b, 0);
  const per = total / milestones;
  console.log(`\nwhole-tree git scans${label ? ` (${label})` : ''} (one ${milestones}-milestone run, from GIT_TRACE2_EVENT): ${total} in all, ${per.toFixed(1)} per milestone; floor ${FLOOR}: ${per <= FLOOR ? 'within' : `over by ${(per - FLOOR).toFixed(1)}`}`);
  console.log(`  ${Object.entries(scans).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
}

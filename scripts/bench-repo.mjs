// The benches' repository: `files` files, a worker script that plans MILESTONES (or the given number of) milestones and implements each at
// once, and verification `true`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MILESTONES = 5;

const git = (cwd, ...args) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });

const agentFor = (milestones) => `import fs from 'node:fs';
fs.readFileSync(0);
const i = Number(process.env.RUNR_MILESTONE_INDEX);
if (process.env.RUNR_PHASE === 'PLAN') console.log(JSON.stringify({ milestones: Array.from({ length: ${milestones} }, (_, k) => ({ goal: 'step ' + k })) }));
else if (process.env.RUNR_PHASE === 'IMPLEMENT') { fs.mkdirSync('src', { recursive: true }); fs.writeFileSync('src/m' + i + '.txt', 'x'); console.log('{"status":"ok"}'); }
else console.log('{"verdict":"approve","comments":[]}');
`;

/** A fresh repository, `repo` in a new temp dir, whose planner plans `milestones` milestones. */
export function makeRepo(files, milestones = MILESTONES) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-bench-')), 'repo');
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, 'lib', String(i % 100));
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `f${i}.txt`), `file ${i}\n`);
  }
  fs.writeFileSync(path.join(dir, 'agent.mjs'), agentFor(milestones));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, '-c', 'gc.auto=0', 'commit', '-q', '-m', 'init'); // no background gc of the setup's objects during the timed runs
  fs.mkdirSync(path.join(dir, '.runr', 'tasks'), { recursive: true });
  const worker = { type: 'command', command: ['node', 'agent.mjs'] };
  fs.writeFileSync(path.join(dir, '.runr', 'runr.config.json'), JSON.stringify({
    verification: { tier2: ['true'] }, workers: { planner: worker, implementer: worker, reviewer: worker },
  }));
  fs.writeFileSync(path.join(dir, '.runr', 'tasks', 't.md'), '# Bench\n\n## Goal\nTouch files.\n');
  return dir;
}

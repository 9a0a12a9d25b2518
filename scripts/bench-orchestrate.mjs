// `npm run bench`, orchestrate figure: 4 tracks × 2 tasks whose IMPLEMENT takes 1.5 s (fast tasks: no PLAN
// or REVIEW), --max-parallel 4. With perfect parallelism the wall time is one track's worker time
// (2 tasks × 1.5 s); runr's scheduling, worktrees, verification, checkpoints and integration come on top.
// Prints the figure next to that ideal and a floor to hold (≤ 2× ideal); asserts nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runr = fileURLToPath(new URL('../bin/runr.js', import.meta.url));
const agent = fileURLToPath(new URL('../tests/agents/track-agent.mjs', import.meta.url));
const TRACKS = 4;
const TASKS = 2;
const WORKER_S = 1.5;
const PHASES = 1; // IMPLEMENT only: the tasks are fast
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-bench-orch-'));
const dir = path.join(base, 'repo');
const write = (file, text) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
try {
  fs.mkdirSync(dir);
  const tracks = [];
  for (let t = 0; t < TRACKS; t++) {
    const tasks = [];
    for (let k = 0; k < TASKS; k++) {
      const name = `t${t}-${k}`;
      const directives = { write: { [`src/${name}.txt`]: `${name}\n` }, sleep_ms: WORKER_S * 1000 };
      // allowlist_add: a --fast task without a plan is otherwise taken to touch anything (it would run alone).
      write(`tasks/${name}.md`, `---\nallowlist_add: [src/${name}.txt]\n---\n# Task ${name}\n\n## Goal\nWrite src/${name}.txt.\n\n## Notes\n\`\`\`agent\n${JSON.stringify(directives)}\n\`\`\`\n`);
      tasks.push(`      - path: tasks/${name}.md`);
    }
    tracks.push(`  - id: track${t}\n    tasks:\n${tasks.join('\n')}`);
  }
  write('tracks.yaml', `tracks:\n${tracks.join('\n')}\n`);
  write('check.js', 'process.exit(0)\n');
  execFileSync('git', ['init', '-q'], { cwd: dir, env });
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-qm', 'init'], { cwd: dir, env });
  const worker = { type: 'command', command: ['node', agent] };
  write('.runr/runr.config.json', JSON.stringify({
    verification: { tier0: ['node check.js'] }, workers: { planner: worker, implementer: worker, reviewer: worker },
  }));

  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [runr, 'orchestrate', 'run', '--config', 'tracks.yaml', '--fast', '--max-parallel', String(TRACKS), '--json'], { cwd: dir, encoding: 'utf8', env });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    console.log(`\norchestrate: not measured (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`);
  } else {
    const ideal = TASKS * WORKER_S * PHASES;
    const floor = 2 * ideal;
    console.log(`\norchestrate: ${TRACKS} tracks × ${TASKS} fast tasks, ${WORKER_S} s workers, --max-parallel ${TRACKS}`);
    console.log(`  wall ${wallS.toFixed(1)} s; ideal ${ideal.toFixed(1)} s (${TASKS} tasks × ${WORKER_S} s × ${PHASES} phase); floor ≤ 2× ideal = ${floor.toFixed(1)} s: ${wallS <= floor ? 'within' : `over by ${(wallS - floor).toFixed(1)} s`}`);
    const report = JSON.parse(execFileSync(process.execPath, [runr, 'orchestrate', 'report', 'latest', '--json'], { cwd: dir, encoding: 'utf8' }));
    const durations = report.tasks.map((t) => t.duration_ms).sort((a, b) => a - b);
    const lastTaskEnd = Math.max(...report.tasks.map((t) => Date.parse(t.ended_at)));
    const firstTaskStart = Math.min(...report.tasks.map((t) => Date.parse(t.started_at)));
    console.log(`  per task ${(durations[Math.floor(durations.length / 2)] / 1000).toFixed(1)} s median (worker ${WORKER_S} s); before the first task ${((firstTaskStart - Date.parse(report.started_at)) / 1000).toFixed(1)} s; integration ${((Date.parse(report.ended_at) - lastTaskEnd) / 1000).toFixed(1)} s`);
  }
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}

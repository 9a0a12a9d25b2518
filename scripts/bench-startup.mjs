// `npm run bench`, start-up figures: read-only commands against a bare `node -e 0` (floor: within 1.3× of it),
// and how soon a run reaches its first journal event (floor: 300 ms). With `--compare <other runr's bin/runr.js>`
// (or BENCH_COMPARE), every figure is measured for both builds, interleaved, side by side. Asserts nothing.
// Alone (after `npm run build`): `node scripts/bench-startup.mjs [--compare <other runr's bin/runr.js>]`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRepo } from './bench-repo.mjs';

const N = 10;
const READ_FLOOR = 1.3;
const FIRST_EVENT_FLOOR_MS = 300;

function timeMs(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Medians of `fn` for each build, measured in turns (ours, theirs, ours, …) so that load drifts hit both alike. */
function interleaved(builds, fn) {
  const samples = builds.map(() => []);
  for (let i = 0; i < N; i++) builds.forEach((b, k) => samples[k].push(timeMs(() => fn(b))));
  return samples.map(median);
}

/** ms from spawning `runr run --json --fast` to the timestamp of the run's first journal event. */
function firstEventMs(bin, dir) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [bin, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--fast', '--json'], { cwd: dir, encoding: 'utf8' });
  const runDir = JSON.parse(r.stdout.split('\n')[0]).run_dir;
  const first = JSON.parse(fs.readFileSync(path.join(runDir, 'events.ndjson'), 'utf8').split('\n')[0]);
  return Date.parse(first.ts) - started;
}

export function benchStartup(runr, dir, other) {
  const builds = other ? [runr, other] : [runr];
  const names = other ? ['this', 'other'] : ['this'];
  const bare = median(Array.from({ length: N }, () => timeMs(() => execFileSync(process.execPath, ['-e', '0']))));
  const floor = bare * READ_FLOOR;
  console.log(`\nstart-up (median of ${N}${other ? `, interleaved with ${other}` : ''}): node -e 0 ${bare.toFixed(0)} ms; floor ${READ_FLOOR}× = ${floor.toFixed(0)} ms`);
  const verdict = (ms, floorMs) => (ms <= floorMs ? 'within' : `over by ${(ms - floorMs).toFixed(0)} ms`);
  for (const args of [['--version'], ['status', 'latest'], ['report', 'latest', '--json'], ['wait', 'latest', '--json']]) {
    const ms = interleaved(builds, (bin) => execFileSync(process.execPath, [bin, ...args], { cwd: dir, stdio: 'pipe' }));
    const cells = ms.map((m, k) => `${names[k]} ${m.toFixed(0).padStart(4)} ms (${(m / bare).toFixed(2)}×)`);
    console.log(`  runr ${args.join(' ').padEnd(22)} ${cells.join(' | ')}  ${verdict(ms[0], floor)}`);
  }
  const first = builds.map(() => []);
  for (let i = 0; i < 5; i++) builds.forEach((b, k) => first[k].push(firstEventMs(b, dir)));
  const firstMs = first.map(median);
  console.log(`  run → first journal event      ${firstMs.map((m, k) => `${names[k]} ${m.toFixed(0).padStart(4)} ms`).join(' | ')}  (floor ${FIRST_EVENT_FLOOR_MS} ms: ${verdict(firstMs[0], FIRST_EVENT_FLOOR_MS)})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const runr = fileURLToPath(new URL('../bin/runr.js', import.meta.url));
  const compareAt = process.argv.indexOf('--compare');
  const other = compareAt > 0 ? process.argv[compareAt + 1] : process.env.BENCH_COMPARE;
  const dir = makeRepo(10);
  spawnSync(process.execPath, [runr, 'run', '--task', '.runr/tasks/t.md', '--worktree', '--fast'], { cwd: dir });
  try {
    benchStartup(runr, dir, other ? path.resolve(other) : undefined);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

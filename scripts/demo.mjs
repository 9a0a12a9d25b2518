#!/usr/bin/env node
// `npm run demo`: creates the offline demo project in a temporary directory and runs it with runr.
// `npm run demo -- --break` makes the scripted agent fail verification until runr stops, to show a resume.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runr = fileURLToPath(new URL('../bin/runr.js', import.meta.url));
const broken = process.argv.includes('--break');
const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-demo-')), 'project');
const call = (args, env = {}) =>
  spawnSync(process.execPath, [runr, ...args], { cwd: dir, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

fs.mkdirSync(dir, { recursive: true });
if (spawnSync(process.execPath, [runr, 'init', '--demo', '--repo', dir, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) process.exit(1);
console.log(`Demo project: ${dir} (a tiny Node project; its "agent" is a script, tools/demo-agent.mjs)\n`);
const status = call(['run', '--task', '.runr/tasks/demo.md', '--worktree'], broken ? { DEMO_BREAK: '1' } : {});
console.log('');
const runrCmd = `node ${runr}`;
if (status === 0) {
  call(['report', 'latest', '--kpi-only']);
  console.log(`\nThe demo project is in ${dir}; the checkpoints are on its runr/* branch:`);
  console.log(`  git -C ${dir} log --oneline --all`);
  console.log('Try a failure next: npm run demo -- --break');
} else {
  console.log(`The run stopped, as --break intends. Run the "Next:" command above in the demo project (runr here is ${runrCmd}):`);
  console.log(`  cd ${dir} && ${runrCmd} resume latest`);
}
process.exit(broken && status === 1 ? 0 : status);

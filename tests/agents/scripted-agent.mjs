#!/usr/bin/env node
// A scripted worker for runr's tests, speaking the `command` worker protocol (SPEC §7).
// AGENT_SCRIPT names a JSON file: { "<key>": [step, step, …] } where key is "PLAN", "IMPLEMENT:m1",
// "REVIEW:m2", … (also "IMPLEMENT" / "REVIEW" as a fallback for any milestone). The n-th call for a key
// performs step n (the last step repeats). AGENT_STATE_DIR keeps call counters and every prompt received.
// A step may: write/delete/symlink/mkdir files, sleep, print stdout/stderr (stderr_lines: one by one), print a result, exit with a
// code, hang, linger after its result, or kill its parent (runr) with SIGKILL.
// Observation steps (files land in AGENT_STATE_DIR, never in the worktree): dump_env writes the RUNR_* and
// TEST_* environment plus cwd as JSON; pid_file writes the agent's pid; spawn_sleeper starts a long-lived
// grandchild and writes its pid; print_env prints NAME=value for the named variables on stdout.
// exec runs commands (e.g. [["git", "mv", "a", "b"]]) after the file steps; with exec_log, their exit status and
// output land in that file. Sandbox probes (never fatal): try_write {path: content} attempts each write,
// try_connect [path] a connection to each unix socket, try_kill_runr a SIGKILL of the pid in
// $RUNR_RUN_DIR/lease.json; their outcomes ("ok" or the error code) land in tries.json.
// Like a real implementer, an IMPLEMENT step whose script names no file work (write, delete, rename, mkdir,
// symlink, exec, try_write) still changes a file: src/work/m<milestone>.txt (runr does not accept an attempt
// that changes nothing). `keep_tree: true` makes it change nothing at all.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const phase = process.env.RUNR_PHASE;
const milestone = Number(process.env.RUNR_MILESTONE_INDEX ?? 0) + 1;
const stateDir = process.env.AGENT_STATE_DIR;
const script = JSON.parse(fs.readFileSync(process.env.AGENT_SCRIPT, 'utf8'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const prompt = fs.readFileSync(0, 'utf8');
const key = phase === 'PLAN' ? 'PLAN' : script[`${phase}:m${milestone}`] ? `${phase}:m${milestone}` : phase;
const steps = script[key] ?? [];
const counterFile = path.join(stateDir, `count-${key.replace(':', '-')}`);
const n = fs.existsSync(counterFile) ? Number(fs.readFileSync(counterFile, 'utf8')) : 0;
fs.writeFileSync(counterFile, String(n + 1));
const callNo = fs.readdirSync(stateDir).filter((f) => f.startsWith('prompt-')).length + 1;
fs.writeFileSync(path.join(stateDir, `prompt-${String(callNo).padStart(3, '0')}-${key.replace(':', '-')}.txt`),
  `ATTEMPT=${process.env.RUNR_ATTEMPT} RUN_ID=${process.env.RUNR_RUN_ID}\n${prompt}`);
const step = steps[Math.min(n, steps.length - 1)] ?? {};

if (step.dump_env) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('RUNR_') || k.startsWith('TEST_')));
  fs.writeFileSync(path.join(stateDir, step.dump_env), JSON.stringify({ ...env, cwd: process.cwd(), stdin: prompt }));
}
if (step.pid_file) fs.writeFileSync(path.join(stateDir, step.pid_file), String(process.pid));
if (step.spawn_sleeper) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(stateDir, step.spawn_sleeper), String(child.pid));
}

const FILE_WORK = ['write', 'delete', 'rename', 'mkdir', 'symlink', 'exec', 'try_write'];
if (phase === 'IMPLEMENT' && !step.keep_tree && !FILE_WORK.some((k) => step[k])) {
  fs.mkdirSync('src/work', { recursive: true });
  fs.writeFileSync(`src/work/m${milestone}.txt`, `attempt ${process.env.RUNR_ATTEMPT}\n`);
}
for (const [file, content] of Object.entries(step.write ?? {})) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
for (const file of step.delete ?? []) fs.rmSync(file, { recursive: true, force: true });
for (const [from, to] of Object.entries(step.rename ?? {})) fs.renameSync(from, to);
for (const dir of step.mkdir ?? []) fs.mkdirSync(dir, { recursive: true });
const execs = (step.exec ?? []).map(([cmd, ...args]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { command: [cmd, ...args].join(' '), status: r.status, stdout: r.stdout, stderr: r.stderr };
});
if (step.exec_log) fs.writeFileSync(path.join(stateDir, step.exec_log), JSON.stringify(execs));
const tries = {};
const attempt = (name, fn) => {
  try {
    fn();
    tries[name] = 'ok';
  } catch (err) {
    tries[name] = err.code ?? String(err);
  }
};
// Paths may name environment variables ($RUNR_RUN_DIR/events.ndjson).
const expand = (p) => p.replace(/\$(\w+)/g, (_, name) => process.env[name] ?? '');
for (const [file, content] of Object.entries(step.try_write ?? {})) attempt(file, () => fs.writeFileSync(expand(file), content));
if (step.try_kill_runr) {
  attempt('kill runr', () => process.kill(JSON.parse(fs.readFileSync(path.join(process.env.RUNR_RUN_DIR, 'lease.json'), 'utf8')).pid, 'SIGKILL'));
}
for (const socket of step.try_connect ?? []) {
  tries[socket] = await new Promise((resolve) => {
    const conn = net.connect(socket).on('connect', () => { conn.destroy(); resolve('ok'); }).on('error', (err) => resolve(err.code ?? String(err)));
  });
}
if (step.try_write || step.try_kill_runr || step.try_connect) fs.writeFileSync(path.join(stateDir, 'tries.json'), JSON.stringify(tries));
for (const [link, target] of Object.entries(step.symlink ?? {})) {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link);
}
// stderr_lines: printed one line at a time, stderr_gap_ms apart, before sleep_ms and wait_for (live activity).
for (const [i, line] of (step.stderr_lines ?? []).entries()) {
  if (i && step.stderr_gap_ms) await sleep(step.stderr_gap_ms);
  process.stderr.write(`${line}\n`);
}
if (step.sleep_ms) await sleep(step.sleep_ms);
// wait_for: block until the test creates this file (absolute path), so a test controls when work ends.
while (step.wait_for && !fs.existsSync(step.wait_for)) await sleep(20);
if (step.kill_parent) {
  process.kill(process.ppid, 'SIGKILL');
  await sleep(200);
}
if (step.stderr) process.stderr.write(step.stderr);
if (step.stdout) process.stdout.write(step.stdout);
for (const name of step.print_env ?? []) process.stdout.write(`${name}=${process.env[name] ?? ''}\n`);
if (step.result !== undefined && step.result !== null) {
  const text = JSON.stringify(step.result);
  process.stdout.write(step.fenced ? `\n\`\`\`json\n${text}\n\`\`\`\n` : `\n${text}\n`);
}
if (step.hang) await new Promise(() => {});
if (step.linger_ms) await sleep(step.linger_ms);
// Flushed first: process.exit alone drops stdout writes still queued for a slow reader.
process.stdout.write('', () => process.exit(step.exit ?? 0));

#!/usr/bin/env node
// A `command` worker (SPEC §7) for orchestration tests. Many runs call it at once, so its only state is
// per run (files keyed by $RUNR_RUN_ID) or per task title, next to $TRACK_AGENT_LOG (a directory the
// sandbox lets it write).
// Directives: a fenced ```agent block of JSON in the run's task copy ($RUNR_RUN_DIR/task.md), e.g.
//   {"plan":[{"goal":"…","files_expected":["src/a.txt"],"write":{…}}], "write":{"src/a.txt":"A\n"},
//    "sleep_ms":1500, "rate_limited_calls":1, "retry_after_s":1, "fix_conflicts":true, "gate":"a1"}
// PLAN → {"milestones": plan, or one milestone named after the title expecting the files of "write"}.
// IMPLEMENT → answers rate_limited for the run's first `rate_limited_calls` calls; otherwise waits at its
//   gate (writes <gate>.reached, waits for <gate>.open, both next to the log), sleeps, then rewrites every
//   file holding conflict markers keeping both sides (a conflict-fix run), else writes the milestone's
//   files (its plan entry's "write", the task's "write" for the first milestone, else notes/<title>-m<n>.txt).
// REVIEW → approve.
// Every call appends one NDJSON line to $TRACK_AGENT_LOG: {title, phase, run_id, start_ms, end_ms, pid, …}.
import fs from 'node:fs';
import path from 'node:path';

const startMs = Date.now();
const phase = process.env.RUNR_PHASE;
const runId = process.env.RUNR_RUN_ID ?? '';
const milestone = Number(process.env.RUNR_MILESTONE_INDEX ?? 0);
const log = process.env.TRACK_AGENT_LOG;
const stateDir = log ? path.dirname(log) : null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
fs.readFileSync(0, 'utf8');

const taskText = fs.readFileSync(path.join(process.env.RUNR_RUN_DIR, 'task.md'), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
const title = /^#\s+(.+?)\s*$/m.exec(taskText)?.[1] ?? 'untitled';
const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const block = /^```agent\s*\n([\s\S]*?)\n```/m.exec(taskText);
const directives = block ? JSON.parse(block[1]) : {};

/** Counts this run's calls of one kind (a file per run: concurrent runs never share it). */
function countCall(kind) {
  if (!stateDir) return 0;
  const file = path.join(stateDir, 'track-agent-calls', `${runId}.${kind}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const n = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
  fs.writeFileSync(file, String(n + 1));
  return n;
}

/** Files under the worktree holding a conflict marker line. */
function filesWithConflictMarkers(dir = '.') {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['.git', 'node_modules', '.runr'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesWithConflictMarkers(full));
    else if (entry.isFile() && /^<<<<<<< /m.test(fs.readFileSync(full, 'utf8'))) found.push(path.normalize(full));
  }
  return found;
}

/** Both sides of every conflict, ours then theirs, without markers (a diff3 base section is dropped). */
function keepBothSides(text) {
  const out = [];
  let section = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('<<<<<<< ')) section = 'ours';
    else if (section && line.startsWith('||||||| ')) section = 'base';
    else if (section && line === '=======') section = 'theirs';
    else if (section && line.startsWith('>>>>>>> ')) section = null;
    else if (section !== 'base') out.push(line);
  }
  return out.join('\n');
}

function writeFiles(files) {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return Object.keys(files);
}

async function implement() {
  if (countCall('implement') < (directives.rate_limited_calls ?? 0)) return { status: 'rate_limited', retry_after_s: directives.retry_after_s ?? 1 };
  if (directives.gate && stateDir) {
    const gate = path.join(stateDir, `gate-${directives.gate}`);
    fs.writeFileSync(`${gate}.reached`, runId);
    while (!fs.existsSync(`${gate}.open`)) await sleep(25);
  }
  if (directives.sleep_ms) await sleep(directives.sleep_ms);
  const conflicted = directives.fix_conflicts === false ? [] : filesWithConflictMarkers();
  if (conflicted.length) {
    for (const file of conflicted) fs.writeFileSync(file, keepBothSides(fs.readFileSync(file, 'utf8')));
    return { status: 'ok', summary: `kept both sides in ${conflicted.join(', ')}` };
  }
  const own = directives.plan?.[milestone]?.write ?? (milestone === 0 ? directives.write : undefined);
  const written = own ? writeFiles(own) : writeFiles({ [`notes/${slug}-m${milestone + 1}.txt`]: `${title} m${milestone + 1} attempt ${process.env.RUNR_ATTEMPT}\n` });
  return { status: 'ok', summary: `${title}: wrote ${written.join(', ')}` };
}

function plan() {
  const milestones = directives.plan ?? [{ goal: title, files_expected: Object.keys(directives.write ?? {}) }];
  return { milestones: milestones.map((m) => ({ goal: m.goal, files_expected: m.files_expected ?? [], done_checks: [] })) };
}

const result = phase === 'PLAN' ? plan() : phase === 'IMPLEMENT' ? await implement() : { verdict: 'approve', comments: [] };
if (log) {
  const line = { title, phase, run_id: runId, milestone, attempt: Number(process.env.RUNR_ATTEMPT ?? 0), start_ms: startMs, end_ms: Date.now(), pid: process.pid, result: result.status ?? result.verdict ?? 'plan' };
  fs.appendFileSync(log, `${JSON.stringify(line)}\n`);
}
// Flushed first: process.exit alone drops stdout writes still queued for a slow reader.
process.stdout.write(`\n${JSON.stringify(result)}\n`, () => process.exit(0));

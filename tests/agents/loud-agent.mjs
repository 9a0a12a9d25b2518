#!/usr/bin/env node
// A `command` worker (and verification program) that prints a lot, for tests of bounded output.
// Its one argument is JSON: { "<PHASE>": [op, …] } (PHASE is RUNR_PHASE; "VERIFY" when run as a
// verification command). Ops, in order:
//   {"noise": n}              n characters of numbered lines, written in 64 KiB pieces
//   {"split": "VAR"}          the value of $VAR in two writes 300 ms apart (two separate chunks for the reader)
//   {"text": "..."}           literal text
//   {"write": {path: text}}   writes a file in the cwd
//   {"end_with": n, "result": {...}}  noise, then the result line, so that exactly n characters end the output
//   {"exit_once": code, "marker": "name"}  exits with code unless $AGENT_STATE_DIR/name exists (created now)
import fs from 'node:fs';
import path from 'node:path';

const spec = JSON.parse(process.argv[2] ?? '{}');
const ops = spec[process.env.RUNR_PHASE ?? 'VERIFY'] ?? [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (process.env.RUNR_PHASE) fs.readFileSync(0);

/** Writes and waits for the pipe to take it (a slow reader must not make the writer buffer everything). */
const out = (text) => new Promise((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve)));

async function noise(n) {
  const line = 'noise line of a worker that prints a lot of output, lines like a build log...\n';
  let left = n;
  while (left > 0) {
    const piece = line.repeat(Math.ceil(Math.min(left, 65_536) / line.length)).slice(0, Math.min(left, 65_536));
    await out(piece);
    left -= piece.length;
  }
}

let code = 0;
for (const op of ops) {
  if (op.noise) await noise(op.noise);
  if (op.split) {
    const value = process.env[op.split] ?? '';
    const half = Math.floor(value.length / 2);
    await out(value.slice(0, half));
    await sleep(300);
    await out(value.slice(half));
  }
  if (op.text) await out(op.text);
  for (const [file, text] of Object.entries(op.write ?? {})) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  if (op.result) {
    const line = `\n${JSON.stringify(op.result)}\n`;
    await noise(Math.max(0, (op.end_with ?? 0) - line.length));
    await out(line);
  }
  if (op.exit_once !== undefined) {
    const marker = path.join(process.env.AGENT_STATE_DIR, op.marker);
    if (!fs.existsSync(marker)) {
      fs.writeFileSync(marker, '');
      code = op.exit_once;
    }
  }
}
// Flushed first: process.exit alone drops stdout writes still queued for a slow reader.
process.stdout.write('', () => process.exit(code));

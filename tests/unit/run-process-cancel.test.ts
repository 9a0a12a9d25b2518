// runProcess ends only its own process tree: on its caller's signal, or when the output cannot be written.
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/store/lease.js';
import { runProcess } from '../../src/util/process.js';

const node = (code: string) => ({ file: process.execPath, args: ['-e', code], cwd: process.cwd(), env: { ...process.env } });
const HANG = "console.log('started'); setInterval(() => {}, 1000)";

describe('runProcess cancellation', () => {
  it("an aborted signal kills that call's process; a concurrent call with another signal runs to its end", async () => {
    const cancel = new AbortController();
    let hung = 0;
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const hanging = runProcess({ ...node(HANG), signal: cancel.signal, onSpawn: (pid) => (hung = pid), onOutput: () => started() });
    const other = runProcess({
      ...node("process.on('SIGTERM', () => { console.log('SIGTERM'); process.exit(143); }); setTimeout(() => console.log('finished'), 500)"),
      signal: new AbortController().signal,
    });
    await running;
    cancel.abort('SIGINT');
    const cut = await hanging;
    expect(cut.end).toBe('aborted');
    expect(pidAlive(hung)).toBe(false);
    const done = await other;
    expect(done).toMatchObject({ end: 'exit', exitCode: 0 });
    expect(done.stdout).toBe('finished\n');
  });

  it('an already aborted signal starts nothing', async () => {
    let spawned = false;
    const out = await runProcess({ ...node(HANG), signal: AbortSignal.abort(), onSpawn: () => (spawned = true) });
    expect(out.end).toBe('aborted');
    expect(spawned).toBe(false);
  });

  it('output that cannot be written (a full disk) kills the process and is thrown to the caller', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    let pid = 0;
    await expect(runProcess({ ...node(HANG), onSpawn: (p) => (pid = p), onOutput: () => { throw full; } })).rejects.toBe(full);
    expect(pidAlive(pid)).toBe(false);
  });
});

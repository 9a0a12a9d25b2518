import type { WatchEvent } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { guidance, isTerminal, milestonesCompleted } from '../engine/describe.js';
import { detachSupervisor } from '../engine/detach.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { resumeRun } from '../engine/resume-run.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { decideAfterStop, type WatchPolicy } from '../engine/watch-policy.js';
import { loadState } from '../engine/load-state.js';
import { waitForTerminal } from '../engine/wait-run.js';
import { positiveNumber, resolveRunArg, SECONDS_FLAG_MAX } from './context.js';
import { createOutput, type Output } from './render/output.js';
import { plural } from './render/plural.js';
import { runrCommand } from '../contracts/next-step.js';

interface WatchFlags {
  repo: string; autoResume?: boolean; maxAttempts?: string; cooldown?: string; interval?: string; json?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** `runr watch`: observes a run to its end, resuming it on resumable stops when asked to. */
export default async function watch(runIdArg: string, flags: WatchFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const { runDir, runId, repoRoot } = await resolveRunArg(flags.repo, runIdArg);
  const policy: WatchPolicy = {
    autoResume: Boolean(flags.autoResume),
    maxAttempts: positiveNumber('--max-attempts', flags.maxAttempts, true) ?? 3,
    cooldownS: flags.cooldown === '0' ? 0 : positiveNumber('--cooldown', flags.cooldown, false, SECONDS_FLAG_MAX) ?? 10,
  };
  const intervalMs = (positiveNumber('--interval', flags.interval, false, SECONDS_FLAG_MAX) ?? 5) * 1000;
  const emit = eventWriter(out);
  let attempts = 0;

  for (;;) {
    const end = await untilStopped(runDir, intervalMs, (state) =>
      emit({ event: 'watching', run_id: runId, phase: state.phase, elapsed_s: elapsedS(state), milestones_completed: milestonesCompleted(state) }));
    const state = end.state;
    const stale = end.end !== 'terminal';
    const decision = decideAfterStop(state, stale, attempts, policy, Date.now());
    const reason = state?.stop_reason ?? null;
    switch (decision.kind) {
      case 'succeeded':
        emit({ event: 'succeeded', run_id: runId, milestones_completed: state ? milestonesCompleted(state) : 0, elapsed_s: state ? elapsedS(state) : 0 });
        return EXIT.ok;
      case 'stopped': {
        const g = state ? guidance(state, { pid: null, alive: false }) : { next_action: 'inspect_logs' as const, suggested_command: runrCommand('status', runId) };
        emit({
          event: 'stopped', run_id: runId, stop_reason: reason, milestones_completed: state ? milestonesCompleted(state) : 0,
          next_action: g.next_action, suggested_command: g.suggested_command,
        });
        return exitCodeFor(reason);
      }
      case 'gave_up':
        emit({ event: 'gave_up', run_id: runId, stop_reason: reason, attempt: attempts, suggested_command: runrCommand('resume', runId) });
        return exitCodeFor(reason);
      case 'resume': {
        emit({
          event: 'failed', run_id: runId, phase: state?.phase ?? 'PLAN', stop_reason: reason,
          ...(stale ? { stale: true as const } : {}), attempt: attempts, resume_at: new Date(decision.at).toISOString(),
        });
        await sleep(decision.at - Date.now());
        attempts += 1;
        const { leaseToken } = await resumeWhenReleased(runDir);
        detachSupervisor(repoRoot, runId, runDir, leaseToken);
        emit({ event: 'resumed', run_id: runId, attempt: attempts });
        break;
      }
    }
  }
}

/** Waits for the run to stop (or go stale), reporting its state every `intervalMs` meanwhile. */
async function untilStopped(runDir: string, intervalMs: number, report: (state: RunState) => void) {
  let waiting = true;
  const ticker = setInterval(async () => {
    const state = await loadState(runDir).catch(() => null);
    if (waiting && state && !isTerminal(state)) report(state);
  }, intervalMs);
  try {
    return await waitForTerminal(runDir, null);
  } finally {
    waiting = false;
    clearInterval(ticker);
  }
}

/** The executor of a stopped run lets go of its lease a moment after the stop is final: resume once it has. */
async function resumeWhenReleased(runDir: string) {
  for (let tries = 0; ; tries++) {
    try {
      return await resumeRun({ runDir, force: false });
    } catch (err) {
      if (!(err instanceof RunrError) || err.code !== 'locked' || tries >= LEASE_RELEASE_TRIES) throw err;
      await sleep(200);
    }
  }
}

const LEASE_RELEASE_TRIES = 50;

function elapsedS(state: RunState): number {
  return Math.round((Date.now() - Date.parse(state.session.started_at)) / 1000);
}

/** NDJSON with --json; otherwise one readable line per event. */
function eventWriter(out: Output): (event: WatchEvent) => void {
  return (event) => {
    if (out.json) {
      out.data(event);
      return;
    }
    const c = out.colors;
    switch (event.event) {
      case 'watching':
        out.say(c.dim(`watching ${event.run_id}: ${event.phase}, ${event.milestones_completed} ${plural(event.milestones_completed, 'milestone')} done, ${event.elapsed_s} s into this session`));
        break;
      case 'failed':
        out.say(c.yellow(`${event.run_id} ${event.stale ? 'is not being executed by anyone (stale)' : `stopped: ${event.stop_reason}`}; resuming at ${event.resume_at} (attempt ${event.attempt + 1})`));
        break;
      case 'resumed':
        out.say(`resumed ${event.run_id} (attempt ${event.attempt})`);
        break;
      case 'succeeded':
        out.say(c.green(`✓ ${event.run_id} complete: ${event.milestones_completed} ${plural(event.milestones_completed, 'milestone')} checkpointed`));
        break;
      case 'gave_up':
        out.say(c.red(`gave up on ${event.run_id} after ${event.attempt} resume attempts: ${event.stop_reason ?? 'stale'}. Next: ${event.suggested_command}`));
        break;
      case 'stopped':
        out.say(c.red(`${event.run_id} stopped: ${event.stop_reason ?? 'stale'} (needs you). Next: ${event.suggested_command}`));
        break;
    }
  };
}

import type { WatchEvent } from '../contracts/outputs.js';
import { watchRun } from '../api/watch.js';
import { positiveNumber, SECONDS_FLAG_MAX } from './context.js';
import { withCancellation } from './signals.js';
import { createOutput, type Output } from './render/output.js';
import { plural } from './render/plural.js';
import { marked, meaningOfStop } from './render/symbols.js';

interface WatchFlags {
  repo: string; autoResume?: boolean; maxAttempts?: string; cooldown?: string; interval?: string; json?: boolean;
}

/**
 * `runr watch`: observes a run to its end, resuming it on resumable stops when asked to (the library's watchRun).
 * Ctrl-C ends the watching (exit 130), never the run or a run it resumed in the background.
 */
export default async function watch(runIdArg: string, flags: WatchFlags): Promise<number> {
  const print = eventWriter(createOutput(Boolean(flags.json), 'stream'));
  const opts = {
    autoResume: Boolean(flags.autoResume),
    maxAttempts: positiveNumber('--max-attempts', flags.maxAttempts, true),
    cooldownS: flags.cooldown === '0' ? 0 : positiveNumber('--cooldown', flags.cooldown, false, SECONDS_FLAG_MAX),
    intervalMs: secondsToMs(positiveNumber('--interval', flags.interval, false, SECONDS_FLAG_MAX)),
  };
  return withCancellation(async (signal) => {
    const watching = await watchRun(flags.repo, runIdArg, { ...opts, signal });
    for await (const event of watching.events()) print(event);
    return (await watching.result).exitCode;
  });
}

const secondsToMs = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

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
        out.say(marked(c, 'waiting', `${event.run_id} ${event.stale ? 'is not being executed by anyone (stale)' : `stopped: ${event.stop_reason}`}; resuming at ${event.resume_at} (attempt ${event.attempt + 1})`));
        break;
      case 'resumed':
        out.say(marked(c, 'running', `resumed ${event.run_id} (attempt ${event.attempt})`));
        break;
      case 'succeeded':
        out.say(marked(c, 'ok', `${event.run_id} complete: ${event.milestones_completed} ${plural(event.milestones_completed, 'milestone')} checkpointed`));
        break;
      case 'gave_up':
        out.say(marked(c, 'failed', `gave up on ${event.run_id} after ${event.attempt} resume attempts: ${event.stop_reason ?? 'stale'}. Next: ${event.suggested_command}`));
        break;
      case 'stopped':
        out.say(marked(c, meaningOfStop(event.stop_reason), `${event.run_id} stopped: ${event.stop_reason ?? 'stale'} (needs you). Next: ${event.suggested_command}`));
        break;
    }
  };
}

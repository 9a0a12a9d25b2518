import type { RunEventInput } from '../contracts/events.js';
import { redactValue } from '../util/secrets.js';

/**
 * An event as the journal may hold it: every text a worker, a command or a person gave redacted
 * (SPEC §10), so that neither events.ndjson nor the state, plan and report files folded from it
 * keep a secret. What runr executes is left alone: the config (whose worker env secrets
 * config/stored-config.ts already replaced) and the run's paths; the task was redacted when it was read.
 */
export function redactEvent(event: RunEventInput, secrets: string[]): RunEventInput {
  switch (event.type) {
    case 'run_started':
      return { ...event, run: { ...event.run, task: redactValue(event.run.task, secrets) } };
    case 'run_resumed':
      return event.approval ? { ...event, approval: redactValue(event.approval, secrets) } : event;
    default:
      return redactValue(event, secrets);
  }
}

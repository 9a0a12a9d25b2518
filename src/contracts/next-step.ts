/**
 * The one renderer of runr command lines. Every command that runr tells the operator to run next
 * (the `suggested_command` of status, report and watch, SPEC §5, and every "Next: …" in a message)
 * is built here from structured data: the verb, the run, and any flags.
 */
export type RunrVerb = 'resume' | 'report' | 'approve' | 'reject' | 'status' | 'wait';

export interface RunrCommand {
  verb: RunrVerb;
  runId: string;
  flags?: readonly string[];
}

export function renderCommand({ verb, runId, flags = [] }: RunrCommand): string {
  return ['runr', verb, runId, ...flags].join(' ');
}

/** Shorthand: `runrCommand('resume', id, '--force')` is `runr resume <id> --force`. */
export function runrCommand(verb: RunrVerb, runId: string, ...flags: string[]): string {
  return renderCommand({ verb, runId, flags });
}

/** What a person does about a run that waits for approval. */
export function approvalChoices(runId: string, reason = '…'): string {
  return `${runrCommand('approve', runId)}, or ${runrCommand('reject', runId, '--reason', `"${reason}"`)}`;
}

import type { EffectOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { repeatCount } from '../signatures.js';
import { lastAttemptChangedNothing } from '../phases/implement.js';
import { TIERS } from '../../verify/run-tiers.js';
import { loadTemplate, render } from './template.js';

const TEMPLATE_OF = { PLAN: 'planner', IMPLEMENT: 'implementer', REVIEW: 'reviewer' } as const;

export interface PromptExtras {
  /** The milestone's diff, for the reviewer. */
  diff?: string;
  /** The request continues the worker's earlier session, which already holds the full prompt. */
  continued?: boolean;
  /** The task's text (the run's task.md, front matter removed); a run's state keeps only its title and goal. */
  task?: string;
}

const ANSWER_HEADING = '# Your answer';

/** A phase template's closing section: the result format the worker must end with. */
function answerSection(template: string): string {
  const at = template.indexOf(ANSWER_HEADING);
  return at < 0 ? '' : template.slice(at);
}

function bullet(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

function scopeText(state: RunState): string {
  const { allowlist, denylist, presets, protect } = state.config.scope;
  const allowed = [...allowlist, ...(state.task.front_matter.allowlist_add ?? [])];
  const lines = [
    allowed.length || presets.length
      ? `- Only change files matching: ${[...allowed, ...presets.map((p) => `(preset ${p})`)].join(', ')}`
      : '- You may change any project file except those listed below.',
    '- Never change: .git/, .runr/, .env files' + (denylist.length ? `, ${denylist.join(', ')}` : ''),
  ];
  if (protect.length) lines.push(`- Protected (must not be modified or deleted): ${protect.join(', ')}`);
  lines.push('- Never write a secret (API key, token, private key) into a file: a change that adds one stops the run.');
  if (!state.options.allow_deps) lines.push('- Do not change lockfiles or add dependencies (package-lock.json, yarn.lock, Cargo.lock, go.sum, …).');
  return lines.join('\n');
}

function verificationCommands(state: RunState): string {
  const cmds = TIERS.flatMap((t) => state.config.verification[t]);
  return cmds.length ? cmds.map((c) => `\`${c}\``).join(', ') : '(none configured)';
}

function milestoneText(state: RunState, index: number): string {
  const m = state.milestones[index];
  if (!m) return state.task.goal;
  const parts = [m.goal];
  if (m.files_expected.length) parts.push(`Files expected: ${m.files_expected.join(', ')}`);
  if (m.done_checks.length) parts.push(`Done when:\n${bullet(m.done_checks)}`);
  return parts.join('\n\n');
}

function planText(state: RunState, current: number): string {
  return state.milestones
    .map((m, i) => `${i + 1}. [${i < current ? 'done' : i === current ? 'current' : 'later'}] ${m.goal}`)
    .join('\n');
}

function failureText(state: RunState): string {
  const f = state.feedback.verification_failure;
  if (!f) return '';
  const how = f.timed_out ? 'timed out' : `exited with code ${f.exit_code}`;
  return `\`${f.command}\` (${f.tier}) ${how}. The end of its output:\n\n\`\`\`\n${f.excerpt}\n\`\`\``;
}

/** What the attempt after one that changed no file is told: nothing changed, and which files the milestone expects. */
function noChangeText(state: RunState, index: number): string {
  if (!lastAttemptChangedNothing(state)) return '';
  const expected = state.milestones[index]?.files_expected ?? [];
  return [
    'runr found no change in the worktree after your previous attempt: no file was created, modified or deleted since the last checkpoint, so there was nothing to verify.',
    expected.length ? `Files expected for this milestone: ${expected.join(', ')}` : 'No files are named as expected for this milestone.',
    'Make the change in the files themselves (describing it in your answer is not enough). If a tool call of yours failed, try again another way.',
  ].join('\n');
}

/** The failure history an attempt that changes strategy is given, and what to do differently. */
function strategyText(state: RunState): string {
  const signatures = state.loop.failure_signatures;
  const repeats = repeatCount(signatures);
  if (lastAttemptChangedNothing(state)) {
    return [
      `Your last ${repeats} attempts changed no file.`,
      '',
      'Do not repeat what you tried before. Check which files exist, make the smallest change the milestone needs directly in the files, and check that it landed on disk before you answer. If the milestone truly needs no change, answer with "no_change_reason" saying why.',
    ].join('\n');
  }
  return [
    `Your last ${repeats} attempts failed in the same way (the error, normalised):`,
    '',
    '```',
    signatures.at(-1) ?? '',
    '```',
    '',
    'Do not repeat what you tried before. Start again from the failing command and its output, find the root cause, and make the smallest change that makes that command pass; leave everything else as it is.',
  ].join('\n');
}

function evidenceText(state: RunState): string {
  const cmds = TIERS.flatMap((t) => state.config.verification[t].map((c) => `\`${c}\` (${t}): passed`));
  return cmds.length ? bullet(cmds) : '(no verification commands are configured)';
}

/** The full prompt for a worker effect: everything the worker needs, nothing it must go and find. */
export function buildPrompt(state: RunState, effect: EffectOf<'worker'>, extras: PromptExtras = {}): string {
  const index = effect.milestone_index;
  const fixing = effect.phase === 'IMPLEMENT' && effect.attempt > 1;
  const feedback = state.feedback;
  const vars = {
    run_id: state.run_id,
    attempt: effect.attempt,
    task: (extras.task ?? state.task.body ?? state.task.goal).trim(),
    scope: scopeText(state),
    verification_commands: verificationCommands(state),
    plan: planText(state, index),
    milestone_id: state.milestones[index]?.id ?? 'm1',
    milestone: milestoneText(state, index),
    verification_failure: fixing ? failureText(state) : '',
    review_comments: (fixing || effect.phase !== 'IMPLEMENT') && feedback.review_comments?.length ? bullet(feedback.review_comments) : '',
    previous_note: fixing ? feedback.implement_note ?? '' : '',
    strategy_change: effect.change_strategy ? strategyText(state) : '',
    no_change: effect.phase === 'IMPLEMENT' ? noChangeText(state, index) : '',
    action_failures: effect.phase === 'IMPLEMENT' && feedback.action_failures?.length ? bullet(feedback.action_failures) : '',
    no_change_reason: effect.phase === 'REVIEW' ? feedback.no_change_reason ?? '' : '',
    verification_evidence: evidenceText(state),
    diff: extras.diff ?? '',
  };
  const template = loadTemplate(TEMPLATE_OF[effect.phase]);
  const prefix = effect.followup === 0 ? '' : render(loadTemplate('followup'), {
    followup: effect.followup, phase: effect.phase, followup_reason: effect.followup_reason ?? 'it lacked the result',
  });
  if (!extras.continued) return prefix + render(template, vars);
  // The session already holds the task, plan and rules: send only what is new and the result format.
  const news = effect.followup === 0 ? render(loadTemplate('continue'), vars) : '';
  return prefix + news + render(answerSection(template), vars);
}

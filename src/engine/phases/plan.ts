import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { Milestone, RunState } from '../../contracts/state.js';
import { PlanResultSchema } from '../../contracts/worker-results.js';
import { checkPlannedFiles, compileScope, describeViolations } from '../../guard/index.js';
import { approvalGate, schedule, stop, withFeedback, withQueue } from '../state-ops.js';
import { interpretWorker, retryRequest } from './worker-outcome.js';
import { approvalChoices } from '../../contracts/next-step.js';

/**
 * PLAN: the planner returns milestones. An answer that is not a usable plan (no milestones, wrong shape)
 * gets one corrective follow-up; no JSON answer at all gets completion enforcement's two (SPEC §4).
 */
export function onPlanResult(state: RunState, effect: EffectOf<'worker'>, result: ResultOf<'worker'>, ts: string): RunState {
  const out = interpretWorker(state, effect, result, PlanResultSchema, ts,
    (s, detail) => stop(s, 'plan_rejection', ts, { detail, resume: retryRequest(effect) }), 1);
  if (out.kind === 'done') return out.state;

  const milestones: Milestone[] = out.value.milestones.map((m, i) => ({
    id: `m${i + 1}`,
    goal: m.goal,
    files_expected: m.files_expected ?? [],
    done_checks: m.done_checks ?? [],
    status: 'pending',
    checkpoint_sha: null,
  }));
  const next: RunState = { ...out.state, milestones, milestone_index: 0 };

  const scope = compileScope(scopeRules(next));
  const violations = checkPlannedFiles(scope, milestones.flatMap((m) => m.files_expected));
  if (violations.length > 0) {
    const stopped = stop(next, 'plan_scope_violation', ts, {
      detail: `the plan expects to change: ${describeViolations(violations)}`,
      resume: retryRequest(effect),
    });
    return withFeedback(stopped, { guard_violation_files: violations.map((v) => v.path) });
  }
  const started = startMilestone(next, 0);
  const { id: _id, ...first } = started.queue.pending.at(-1)!;
  const gated = approvalGate(withQueue(started, { pending: started.queue.pending.slice(0, -1) }), 'plan', first, ts,
    `the plan (${milestones.length} milestone${milestones.length === 1 ? '' : 's'}) waits for approval: ${approvalChoices(state.run_id)}`);
  return gated ?? started;
}

export function startMilestone(state: RunState, index: number): RunState {
  return schedule(
    {
      ...state,
      milestone_index: index,
      loop: { ...state.loop, implement_attempt: 1, verification_failures: 0, review_rounds: 0, failure_signatures: [] },
      feedback: {
        ...state.feedback,
        review_comments: null, verification_failure: null, implement_note: null, no_change_reason: null, action_failures: null,
      },
    },
    { kind: 'worker', phase: 'IMPLEMENT', milestone_index: index, attempt: 1, followup: 0 },
  );
}

export function scopeRules(state: RunState) {
  const scope = state.config.scope;
  return {
    allowlist: [...scope.allowlist, ...(state.task.front_matter.allowlist_add ?? [])],
    denylist: scope.denylist,
    presets: scope.presets,
    protect: scope.protect,
    allowDeps: state.options.allow_deps,
  };
}

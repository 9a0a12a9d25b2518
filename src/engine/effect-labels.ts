import type { Effect, EffectResult } from '../contracts/effects.js';

const KIND_LABELS: Record<Effect['kind'], string> = {
  prepare_workspace: 'PREPARE', worker: 'WORKER', guard: 'GUARD', verify: 'VERIFY', checkpoint: 'CHECKPOINT', wait_until: 'WAIT', finalize: 'FINALIZE',
};

/** An effect's name in replay and the HTML timeline: a worker call's phase, else its kind in capitals. */
export function effectHead(effect: { kind: string; phase?: string | null }): string {
  return effect.kind === 'worker' && effect.phase ? effect.phase : KIND_LABELS[effect.kind as Effect['kind']] ?? effect.kind;
}

/** An effect's outcome in one word: a worker call's own (result, missing, …), else ok or failed, or done for those that cannot fail. */
export function effectOutcome(result: EffectResult): string {
  switch (result.kind) {
    case 'worker': return result.outcome;
    case 'wait_until':
    case 'finalize': return 'done';
    default: return result.ok ? 'ok' : 'failed';
  }
}

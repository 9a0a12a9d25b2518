import type { RunState } from '../contracts/state.js';
import { unpricedRoles } from '../workers/index.js';

/** `auto` without a working sandbox runs workers unconfined: worth saying once, when a session starts. */
export function unconfinedWarning(state: RunState): string | null {
  const d = state.sandbox;
  if (!d || d.mode === 'off' || d.active) return null;
  return `workers and verification run unconfined: ${d.reason.replace(/^running unconfined: /, '')} (docs/security.md#sandbox)`;
}

/** What the operator of a run that just started should know about its settings, most important first. */
export function startWarnings(state: RunState): string[] {
  const warnings: string[] = [];
  const unconfined = unconfinedWarning(state);
  if (unconfined) warnings.push(unconfined);
  const v = state.config.verification;
  if (!v.tier0.length && !v.tier1.length && !v.tier2.length) {
    warnings.push('no verification commands are configured; milestones will be checkpointed unverified. Set "verification" in the config.');
  }
  const unpriced = state.options.budget_usd !== null ? unpricedRoles(state.config) : [];
  if (unpriced.length) {
    warnings.push(`--budget-usd counts only known costs, and ${unpriced.join(', ')} reports no cost: set "price" on that worker (docs/workers.md).`);
  }
  return warnings;
}

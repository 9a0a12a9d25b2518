import type { SandboxDecision } from '../../contracts/sandbox.js';
import type { Output } from './output.js';

/** `auto` without a working sandbox runs workers unconfined: said once, on stderr, when the session starts. */
export function warnUnconfined(out: Output, d: SandboxDecision | undefined): void {
  if (d && d.mode !== 'off' && !d.active) {
    out.note(out.colors.yellow(`Warning: workers and verification run unconfined: ${d.reason.replace(/^running unconfined: /, '')} (docs/security.md#sandbox)`));
  }
}

import { ConfigSchema, type Config } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import { decideSandbox } from '../workers/sandbox/decide.js';
import { probeSandbox } from '../workers/sandbox/probe.js';

/**
 * Can workers run confined here? ok where bubblewrap works (or the config turns the sandbox off),
 * warn where `auto` would run them unconfined, fail where the config requires a sandbox that does not work.
 */
export async function checkSandbox(config: Config | null): Promise<{ check: DoctorCheck; bwrap: string | null }> {
  const probe = await probeSandbox();
  const { decision, refusal } = decideSandbox(config ?? ConfigSchema.parse({}), undefined, probe);
  const name = 'sandbox';
  if (refusal) return { bwrap: null, check: { name, status: 'fail', detail: refusal, fix: probe.fix } };
  if (decision.mode === 'off') return { bwrap: probe.bwrap, check: { name, status: 'ok', detail: decision.reason } };
  if (!decision.active) {
    return { bwrap: null, check: { name, status: 'warn', detail: `workers and verification would run unconfined: ${probe.reason}`, fix: probe.fix } };
  }
  const open = Object.entries(decision.workers).filter(([, confined]) => !confined).map(([role]) => role);
  return { bwrap: probe.bwrap, check: { name, status: 'ok', detail: `${probe.reason}: workers and verification run confined${open.length ? ` (but ${open.join(', ')}: "sandbox": "off")` : ''}` } };
}

import { MAX_TIME_BUDGET_MIN, MAX_TIMEOUT_S } from '../contracts/limits.js';
import { usageError } from '../contracts/errors.js';
export { resolveRepo, resolveRunArg } from '../api/locate.js';

/** Parses a numeric flag, refusing anything that is not a positive number (or above `max`, as "<n> <unit>"). */
export function positiveNumber(flag: string, value: string | undefined, integer = false, max?: [number, string]): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw usageError('invalid_option', `${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  }
  if (max && n > max[0]) throw usageError('invalid_option', `${flag} must be at most ${max[0]} ${max[1]}, got "${value}"`);
  return n;
}

/** `--time` becomes a timer: the same bound as limits.time_budget_min. */
export const TIME_FLAG_MAX: [number, string] = [MAX_TIME_BUDGET_MIN, 'minutes (7 days)'];
/** Second-valued flags that become timers (wait --timeout, watch --cooldown/--interval). */
export const SECONDS_FLAG_MAX: [number, string] = [7 * MAX_TIMEOUT_S, 'seconds (7 days)'];

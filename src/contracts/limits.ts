/**
 * Upper bounds of every limit that becomes a timer: Node fires a setTimeout above 2^31 ms (~24.8 days)
 * at once, so these stay well below it (docs/config.md#limits). Apart from the config schema so that
 * parsing a command's flags loads no zod (start-up of read-only commands).
 */
export const MAX_TIMEOUT_S = 86_400;
export const MAX_GRACE_S = 3_600;
export const MAX_TIME_BUDGET_MIN = 10_080;

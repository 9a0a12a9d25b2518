/** The rules a guard violation can break (SPEC §6): the `rule` of every violation in events and reports. */
export const VIOLATION_RULES = [
  'outside_allowlist', 'denylist', 'always_denied', 'lockfile', 'protected', 'symlink_escape', 'symlink_to_denied', 'secret',
] as const;
export type ViolationRule = (typeof VIOLATION_RULES)[number];

/** Every exit code runr uses (SPEC §8). No other numeric exit code appears in the source. */
export const EXIT = {
  ok: 0,
  stopped: 1,
  /** `doctor`: at least one check failed (SPEC §8's "anything else that did not succeed"). */
  checksFailed: 1,
  usage: 2,
  notFound: 3,
  locked: 4,
  notResumable: 5,
  timedOut: 124,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

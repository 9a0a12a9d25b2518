/** The phases of a run (SPEC §4), in the order a milestone passes through them. */
export const PHASES = ['PLAN', 'IMPLEMENT', 'VERIFY', 'REVIEW', 'CHECKPOINT', 'STOPPED'] as const;
export type Phase = (typeof PHASES)[number];

/** Phases whose work is done by a worker CLI. */
export const WORKER_PHASES = ['PLAN', 'IMPLEMENT', 'REVIEW'] as const;
export type WorkerPhase = (typeof WORKER_PHASES)[number];

/** Phases that are timed in the report (`phases{}`). */
export const TIMED_PHASES = ['PLAN', 'IMPLEMENT', 'VERIFY', 'REVIEW', 'CHECKPOINT'] as const;
export type TimedPhase = (typeof TIMED_PHASES)[number];

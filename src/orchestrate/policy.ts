/** What happens to the later of two tasks that may change the same files: it waits, or stops (`parallel_file_collision`). */
export const COLLISION_POLICIES = ['serialize', 'fail'] as const;
export type CollisionPolicy = (typeof COLLISION_POLICIES)[number];

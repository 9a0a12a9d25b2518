import picomatch from 'picomatch';

/**
 * What a task can touch, as far as runr knows it: its own scope additions (`allowlist_add`), the files its
 * plan expects to change, and the files it has actually changed so far. Paths and globs, relative to the
 * repository. `known: false` before its plan exists: such a task may touch anything.
 */
export interface TouchSet {
  known: boolean;
  patterns: string[];
}

export type Collision = { collides: false } | { collides: true; why: string };

const PM = { dot: true } as const;

/** The literal directory a pattern starts with (`src/auth` of `src/auth/**`); the pattern itself when it has no glob. */
function baseOf(pattern: string): { base: string; isGlob: boolean } {
  const scan = picomatch.scan(pattern);
  return { base: scan.isGlob ? scan.base : pattern, isGlob: scan.isGlob };
}

const within = (dir: string, p: string) => dir === '' || p === dir || p.startsWith(`${dir}/`);

/**
 * Whether two patterns can name a common file. A path against a glob is matched exactly; two globs are
 * judged by their literal bases (one inside the other's may overlap): conservative, so two tasks are never
 * run together on a guess that they do not collide.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const pa = baseOf(a);
  const pb = baseOf(b);
  if (!pa.isGlob && !pb.isGlob) return a === b;
  if (!pa.isGlob) return picomatch(b, PM)(a);
  if (!pb.isGlob) return picomatch(a, PM)(b);
  return within(pa.base, pb.base) || within(pb.base, pa.base);
}

/** Whether two tasks may change the same files, with the first pair that says so. */
export function collision(a: TouchSet, b: TouchSet): Collision {
  if (!a.known || !b.known) return { collides: true, why: 'a task without a plan yet may change any file' };
  for (const pa of a.patterns) {
    for (const pb of b.patterns) {
      if (patternsOverlap(pa, pb)) return { collides: true, why: pa === pb ? `both may change ${pa}` : `${pa} and ${pb} may name the same files` };
    }
  }
  return { collides: false };
}

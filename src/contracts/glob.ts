import picomatch from 'picomatch';
import { z } from 'zod';

/** A scope pattern picomatch can compile; strictBrackets rejects what it would otherwise match literally (`src/[`). */
export const globSchema = z.string().min(1).superRefine((glob, ctx) => {
  try {
    picomatch.makeRe(glob, { dot: true, strictBrackets: true });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid glob "${glob}": ${(err as Error).message}` });
  }
});

import { defineConfig } from 'vitest/config';

/** The fast in-process tests that StrykerJS runs against each mutant (`npm run mutation`). */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

/**
 * The layers of the README's Development section, checked by `npm run lint:deps` (part of `npm test`, so of CI).
 * Dependencies point down: cli → engine, doctor → adapters (store, workers, git, guard, verify, config, task) → contracts, util.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-import-nothing-of-ours',
      comment: 'contracts/ holds the shared vocabulary and schemas: it imports only contracts/ (and zod).',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { path: '^src/', pathNot: '^src/contracts/' },
    },
    {
      name: 'util-imports-only-util',
      comment: 'util/ is the ground floor: small helpers that know nothing of runr.',
      severity: 'error',
      from: { path: '^src/util/' },
      to: { path: '^src/', pathNot: '^src/util/' },
    },
    {
      name: 'store-only-stores',
      comment: 'store/ stores and reads files; folding events into state and everything above it is the engine\'s.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(engine|cli|doctor)/' },
    },
    {
      name: 'adapters-below-engine',
      comment: 'Adapters (workers, git, guard, verify, config, task) are driven by the engine and never import it.',
      severity: 'error',
      from: { path: '^src/(workers|git|guard|verify|config|task)/' },
      to: { path: '^src/(engine|cli|doctor)/' },
    },
    {
      name: 'engine-not-doctor',
      comment: 'doctor/ is a client of the adapters beside the engine (used by the CLI); the engine does not depend on it.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/doctor/' },
    },
    {
      name: 'engine-not-orchestrate',
      comment: 'orchestrate/ is a client of the engine (it runs each task as a normal run); the engine and the adapters never depend on it.',
      severity: 'error',
      from: { path: '^src/(engine|store|workers|git|guard|verify|config|task|doctor)/' },
      to: { path: '^src/orchestrate/' },
    },
    {
      name: 'orchestrate-below-api',
      comment: 'api/ is the library surface over the engine and orchestrate/; orchestrate/ drives the engine directly.',
      severity: 'error',
      from: { path: '^src/orchestrate/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'only-cli-imports-cli',
      comment: 'cli/ is a client of the engine: parse flags, call the engine, render. Nothing else may depend on it.',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      comment: 'No two files import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};

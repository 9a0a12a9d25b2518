/**
 * Named scope presets (SPEC §6). Each preset's repo-relative globs are ADDED to
 * the allowlist. The `env` preset additionally lifts the always-deny of `.env`
 * and `.env.*` (see scope.ts).
 */
export const ENV_PRESET = 'env';

const TEST_FILES = ['**/*.test.*', '**/*.spec.*', '**/__tests__/**'];

export const PRESETS: Record<string, string[]> = {
  nextjs: [
    'app/**', 'src/app/**', 'pages/**', 'src/pages/**',
    'components/**', 'src/components/**', 'lib/**', 'src/lib/**',
    'hooks/**', 'src/hooks/**', 'styles/**', 'src/styles/**', 'public/**',
    'middleware.{ts,js}', 'src/middleware.{ts,js}',
    'instrumentation.{ts,js}', 'src/instrumentation.{ts,js}',
    'next.config.*', 'next-env.d.ts',
  ],
  react: [
    'src/**/*.{js,jsx,ts,tsx,mjs,cjs}', 'src/**/*.{css,scss,sass,less}', 'src/**/*.svg',
    'components/**', 'hooks/**', 'public/**', 'index.html',
  ],
  vue: ['src/**/*.{vue,js,ts,css,scss}', 'components/**', 'public/**', 'index.html'],
  svelte: ['src/**/*.{svelte,js,ts,css}', 'static/**', 'svelte.config.*'],
  vite: ['vite.config.*', 'index.html', 'src/**', 'public/**'],
  drizzle: ['drizzle/**', 'drizzle.config.*', 'db/**', 'src/db/**', 'migrations/**', '**/schema.ts', '**/schema/**'],
  prisma: ['prisma/**'],
  vitest: [...TEST_FILES, 'test/**', 'tests/**', 'vitest.config.*', 'vitest.workspace.*', 'vitest.setup.*'],
  jest: [...TEST_FILES, '**/__mocks__/**', '**/__snapshots__/**', 'test/**', 'tests/**', 'jest.config.*', 'jest.setup.*'],
  playwright: ['e2e/**', 'tests/**', 'playwright/**', '**/*.spec.*', 'playwright.config.*'],
  typescript: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', 'tsconfig*.json', '**/tsconfig*.json'],
  node: ['**/*.js', '**/*.mjs', '**/*.cjs', 'package.json', '**/package.json', '.nvmrc', '.node-version'],
  tailwind: ['tailwind.config.*', 'postcss.config.*', '**/*.css'],
  eslint: ['eslint.config.*', '.eslintrc', '.eslintrc.*', '**/.eslintrc', '**/.eslintrc.*', '.eslintignore'],
  prettier: ['.prettierrc', '.prettierrc.*', 'prettier.config.*', '.prettierignore'],
  env: ['.env', '.env.*', '**/.env', '**/.env.*'],
  python: [
    '**/*.py', '**/*.pyi', 'pyproject.toml', 'setup.py', 'setup.cfg',
    'requirements*.txt', '**/requirements*.txt', 'MANIFEST.in',
  ],
  pytest: [
    'tests/**', 'test/**', '**/test_*.py', '**/*_test.py', '**/conftest.py',
    'pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg',
  ],
  go: ['**/*.go', 'go.mod', '**/go.mod', 'go.work', '**/testdata/**'],
  rust: ['**/*.rs', 'Cargo.toml', '**/Cargo.toml', 'benches/**', 'examples/**', 'tests/**'],
  docs: ['docs/**', '**/*.md', '**/*.mdx'],
  docker: ['Dockerfile', '**/Dockerfile*', 'docker-compose*.{yml,yaml}', 'compose*.{yml,yaml}', '.dockerignore'],
};

#!/usr/bin/env node
// `runr --version` answers without loading the CLI (its start-up is measured against a bare `node -e 0`).
// The CLI is the bundle `npm run build` writes (scripts/bundle-cli.mjs): one file per module would cost a read most of its start-up.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  await import('../dist/cli-bundle/main.js');
}

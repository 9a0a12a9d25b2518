// The second half of `npm run build`: bundles the CLI that tsc compiled (dist/cli/main.js) and its npm dependencies
// into dist/cli-bundle/, which bin/runr.js loads. A read's start-up was mostly the number of files node loads
// (issue 12), so the bundle has three parts, each module in exactly one of them:
//   main.js         the entry (dist/cli/main.js);
//   core.js         everything the plain reads (cli/plain-read.ts: status, report, wait) import statically, in one file;
//   <name>.js       every other module, split by esbuild at each lazy `await import()` so a command still loads only
//   and chunk-*.js  what it uses; these import what they share with the reads from core.js.
// A read loads bin/runr.js, main.js and core.js. esbuild's own code splitting alone would cut the read path into
// some twenty chunks (one per set of lazy imports that share a module), little better than one file per module.
// It bundles tsc's output rather than src/ so the CLI runs exactly the JavaScript the tests import from dist/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = path.join(root, 'dist/cli-bundle');
const ENTRY = 'dist/cli/main.js';
const PLAIN_READS = 'dist/cli/plain-read.js';
const CORE = './core.js';
const CORE_REF = 'runr-core';
const RESOLVING = Symbol('resolving a package for the plugin'); // marks the plugin's own build.resolve calls

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  metafile: true,
  // CommonJS dependencies (commander, picomatch) call require() for node's built-ins, which an ES module lacks.
  banner: { js: "import { createRequire as __runrCreateRequire } from 'node:module';\nconst require = __runrCreateRequire(import.meta.url);" },
};

// 1. The module graph, as esbuild resolves it (paths relative to the package root).
const { metafile: graph } = await esbuild.build({ ...common, entryPoints: [ENTRY], splitting: true, outdir, write: false });
const importsOf = (file) => graph.inputs[file]?.imports ?? [];

// 2. The read path: main.js, the plain reads' commands and their static imports. The modules it imports lazily
//    (outside it) are the entries of the rest, named after their path.
const readPath = new Set();
const visit = (file) => {
  if (readPath.has(file) || !file.startsWith('dist/')) return;
  readPath.add(file);
  for (const i of importsOf(file)) if (i.kind === 'import-statement') visit(i.path);
};
visit(ENTRY);
for (const i of importsOf(PLAIN_READS)) if (i.kind === 'dynamic-import') visit(i.path);
const staticNpm = [...readPath].flatMap((f) => importsOf(f).filter((i) => i.kind === 'import-statement' && !i.path.startsWith('dist/') && !i.external));
if (staticNpm.length) throw new Error(`the read path imports npm packages statically (${staticNpm.map((i) => i.original).join(', ')}): give them a place in the bundle`);
const coreFiles = [...readPath].filter((f) => f !== ENTRY).sort();
const lazyEntries = new Map(); // input path → output name
for (const f of readPath) {
  for (const i of importsOf(f)) {
    if (i.kind !== 'dynamic-import' || readPath.has(i.path) || i.external) continue;
    const name = i.path.startsWith('dist/') ? i.path.slice(5).replace(/\.js$/, '').replaceAll('/', '-') : `npm-${i.original.replaceAll('/', '-')}`;
    if (name === 'main' || name === 'core') throw new Error(`${i.path} would be bundled as ${name}.js, the name of a part`);
    lazyEntries.set(i.path, name);
  }
}

// 3. What each core module exports: core.js re-exports it under a name of its own (`m<index>$<name>`).
const { metafile: shapes } = await esbuild.build({ absWorkingDir: root, entryPoints: coreFiles, outdir, outbase: 'dist', write: false, metafile: true, format: 'esm', logLevel: 'warning' });
const exportsOf = new Map(Object.values(shapes.outputs).filter((o) => o.entryPoint).map((o) => [o.entryPoint, o.exports]));
const alias = (file, name) => `m${coreFiles.indexOf(file)}$${name}`;

const abs = (file) => path.join(root, file);
const byAbsPath = (files) => new Map([...files].map((f) => [abs(f), f]));
const coreByAbs = byAbsPath(coreFiles);
const lazyByAbs = byAbsPath(lazyEntries.keys());
const resolvedAbs = (args) => (args.path.startsWith('.') ? path.resolve(args.resolveDir, args.path) : undefined);

/** Imports of core modules become imports from core.js; with `lazyExternal`, the lazy entries are files of the rest. */
const redirect = ({ toCore, lazyExternal }) => ({
  name: 'runr-bundle-parts',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.path === CORE_REF) return { path: CORE, external: true };
      if (args.kind === 'entry-point' || args.pluginData === RESOLVING) return undefined;
      const target = resolvedAbs(args) ?? (lazyExternal && args.kind === 'dynamic-import' ? (await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: RESOLVING })).path : undefined);
      if (!target) return undefined;
      if (toCore && coreByAbs.has(target)) return { path: coreByAbs.get(target), namespace: CORE_REF };
      const lazy = lazyExternal && args.kind === 'dynamic-import' ? lazyByAbs.get(target) : undefined;
      return lazy ? { path: `./${lazyEntries.get(lazy)}.js`, external: true } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: CORE_REF }, (args) => {
      const names = exportsOf.get(args.path);
      return { contents: `export { ${names.map((n) => `${alias(args.path, n)} as ${n}`).join(', ')} } from '${CORE_REF}';`, loader: 'js' };
    });
  },
});

// 4. core.js: the read path's modules in one file, every export under its alias.
const coreSource = coreFiles.map((f) => (exportsOf.get(f).length
  ? `export { ${exportsOf.get(f).map((n) => `${n} as ${alias(f, n)}`).join(', ')} } from './${f}';`
  : `import './${f}';`)).join('\n');

fs.rmSync(outdir, { recursive: true, force: true }); // chunks are named by hash: no earlier build's may stay beside them
const builds = await Promise.all([
  esbuild.build({ ...common, entryPoints: [ENTRY], outfile: path.join(outdir, 'main.js'), plugins: [redirect({ toCore: true, lazyExternal: true })] }),
  esbuild.build({ ...common, stdin: { contents: coreSource, resolveDir: root, sourcefile: 'core-entry.js' }, outfile: path.join(outdir, 'core.js'), plugins: [redirect({ toCore: false, lazyExternal: true })] }),
  esbuild.build({ ...common, entryPoints: Object.fromEntries([...lazyEntries].map(([f, name]) => [name, f])), splitting: true, outdir, chunkNames: '[name]-[hash]', plugins: [redirect({ toCore: true, lazyExternal: false })] }),
]);

// Each of runr's modules is in exactly one part: a second copy would have its own state and its own classes.
const seen = new Map();
builds.forEach((b, part) => {
  for (const input of Object.keys(b.metafile.inputs)) {
    if (!input.startsWith('dist/')) continue;
    if (seen.has(input)) throw new Error(`${input} is bundled twice (parts ${seen.get(input)} and ${part})`);
    seen.set(input, part);
  }
});
const outputs = builds.flatMap((b) => Object.entries(b.metafile.outputs));
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const size = (name) => kib(outputs.find(([f]) => f.endsWith(`/${name}`))[1].bytes);
console.log(`dist/cli-bundle: ${outputs.length} files, ${kib(outputs.reduce((n, [, o]) => n + o.bytes, 0))}; a read loads main.js (${size('main.js')}) and core.js (${size('core.js')}, ${coreFiles.length} modules)`);

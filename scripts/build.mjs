// Bundles every entry point with esbuild and type-checks/compiles sources and tests with tsc, then
// type-checks the webview as browser-only code (tsconfig.webview.json).
// piscina and esbuild stay external: piscina loads its own worker file from its package folder,
// and esbuild ships a native binary; both are production dependencies packed into the .vsix.
// bullmq and ioredis stay external so that only a cluster run (src/cluster, loaded by import()) loads them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watchless = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root };
const nodeEntries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/engine/worker/chunk-worker.ts', out: 'chunk-worker' },
  { in: 'src/engine/index.ts', out: 'engine' },
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/server/server.ts', out: 'server' },
].filter((entry) => existsSync(path.join(root, entry.in)));

// The format libraries are four fifths of the worker bundle, and every thread of every run parsed
// them on start while a CSV run never calls them. Each is bundled once into its own dist/vendor-*.js
// that the bundles require only when a Parquet or Arrow file is opened (read/open-table.ts imports
// those readers lazily). One file a library, so all code shares one copy of its classes. Every
// import path of a library must be listed here: the build fails on a new one rather than bundle a
// second copy.
const VENDORED = {
  'apache-arrow': ['apache-arrow', 'apache-arrow/io/file', 'apache-arrow/ipc/reader'],
  hyparquet: [
    'hyparquet',
    'hyparquet/src/column.js',
    'hyparquet/src/convert.js',
    'hyparquet/src/datapage.js',
    'hyparquet/src/encoding.js',
    'hyparquet/src/plain.js',
  ],
  'hyparquet-compressors': ['hyparquet-compressors'],
  zstddec: ['zstddec'],
};
const vendorOf = (specifier) =>
  Object.keys(VENDORED).find((lib) => specifier === lib || specifier.startsWith(`${lib}/`));
const vendorExternals = {
  name: 'vendor-externals',
  setup(b) {
    b.onResolve({ filter: /^(apache-arrow|hyparquet|hyparquet-compressors|zstddec)(\/|$)/ }, (args) => {
      const lib = vendorOf(args.path);
      if (!lib) return undefined;
      if (!VENDORED[lib].includes(args.path))
        return { errors: [{ text: `${args.path} is not in VENDORED (scripts/build.mjs): add it there` }] };
      return { path: `./vendor-${lib}.js`, external: true };
    });
  },
};
const vendorDir = path.join(root, 'out', 'vendor-entries');
mkdirSync(vendorDir, { recursive: true });
const vendorEntries = Object.entries(VENDORED).map(([lib, specifiers]) => {
  const file = path.join(vendorDir, `${lib}.mjs`);
  writeFileSync(file, specifiers.map((s) => `export * from ${JSON.stringify(s)};`).join('\n') + '\n');
  return { in: file, out: `vendor-${lib}` };
});
const nodeBundle = { ...watchless, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' };

await build({
  ...nodeBundle,
  entryPoints: nodeEntries,
  external: ['vscode', 'piscina', 'esbuild', 'bullmq', 'ioredis'],
  plugins: [vendorExternals],
});
// A library's own imports of another vendored one (hyparquet-compressors has none today) stay inside it.
await build({ ...nodeBundle, entryPoints: vendorEntries, sourcemap: false });

if (existsSync(path.join(root, 'webview/main.ts'))) {
  await build({
    ...watchless,
    entryPoints: [{ in: 'webview/main.ts', out: 'report' }],
    outdir: 'media',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

if (!process.argv.includes('--no-tsc')) {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  // tsc compiles sources and tests to out/ for mocha (strict type-check included).
  execFileSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });
  // Then the report UI as browser code: no Node types, so a Node import in webview/ or in an engine
  // file it uses fails here (scripts/test.mjs passes --no-webview-tsc and runs it as a test itself).
  if (!process.argv.includes('--no-webview-tsc')) {
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.webview.json')], { stdio: 'inherit' });
  }
}

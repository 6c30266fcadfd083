// Bundles every entry point with esbuild and type-checks/compiles sources and tests with tsc, then
// type-checks the webview as browser-only code (tsconfig.webview.json).
// piscina and esbuild stay external: piscina loads its own worker file from its package folder,
// and esbuild ships a native binary; both are production dependencies packed into the .vsix.
// bullmq and ioredis stay external so that only a cluster run (src/cluster, loaded by import()) loads them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

await build({
  ...watchless,
  entryPoints: nodeEntries,
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'piscina', 'esbuild', 'bullmq', 'ioredis'],
});

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

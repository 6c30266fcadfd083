#!/usr/bin/env node
// The extension-host suite (out/test/host/index.js, mocha inside the real extension host), started
// the standard way: @vscode/test-electron's runTests. Here and in CI `vscodeExecutablePath` is this
// Node and the first launch argument our code-server launcher, so nothing is downloaded; with
// CHUNKSCOPE_VSCODE=desktop runTests downloads desktop VS Code (CHUNKSCOPE_VSCODE_VERSION, default
// 1.100.3) and runs the very same suite in it.
//
//   node scripts/vscode-host/run-host-tests.mjs                       code-server (prepares the host first)
//   CHUNKSCOPE_VSCODE=desktop node scripts/vscode-host/run-host-tests.mjs   desktop VS Code (needs internet + a display)
//
// Build first (npm run build). Writes {suite, passed, failed, pending, ms} to CHUNKSCOPE_SUITE_SUMMARY
// when set (scripts/test.mjs adds it to the totals); exits 0 only if every test passed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VSCODE_VERSION } from './paths.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const t0 = Date.now();

async function main() {
  const desktop = process.env.CHUNKSCOPE_VSCODE === 'desktop';
  if (!desktop) await (await import('./prepare.mjs')).prepareHost();
  const testsPath = path.join(root, 'out', 'test', 'host', 'index.js');
  if (!existsSync(testsPath)) throw new Error(`${testsPath} is missing: run npm run build first`);
  const temp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-host-suite-'));
  const workspace = path.join(temp, 'workspace');
  const resultFile = path.join(temp, 'result.json');
  mkdirSync(workspace);
  // The suite only writes into folders marked as scratch (test/host/helpers.ts).
  writeFileSync(path.join(workspace, '.chunkscope-test-workspace'), 'scratch folder of the extension-host suite\n');
  const profile = [
    `--user-data-dir=${path.join(temp, 'user-data')}`,
    `--extensions-dir=${path.join(temp, 'extensions')}`,
  ];
  const { runTests } = require('@vscode/test-electron');
  let status = 0;
  try {
    await runTests({
      ...(desktop
        ? { version: process.env.CHUNKSCOPE_VSCODE_VERSION || VSCODE_VERSION, launchArgs: [workspace, ...profile] }
        : {
            vscodeExecutablePath: process.execPath,
            launchArgs: [path.join(here, 'code-server-launcher.mjs'), workspace, ...profile],
          }),
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      extensionTestsEnv: { CHUNKSCOPE_HOST_RESULT: resultFile },
    });
  } catch (err) {
    status = 1;
    console.error(`[host suite] ${err instanceof Error ? err.message : String(err)}`);
  }
  let result = { passed: 0, failed: 1, pending: 0, error: 'no result written' };
  if (existsSync(resultFile)) result = JSON.parse(readFileSync(resultFile, 'utf8'));
  rmSync(temp, { recursive: true, force: true });
  const summary = {
    suite: 'extension host',
    passed: result.passed,
    failed: result.failed || (status ? Math.max(1, result.failed) : 0),
    pending: result.pending ?? 0,
    ms: Date.now() - t0,
  };
  if (process.env.CHUNKSCOPE_SUITE_SUMMARY)
    writeFileSync(process.env.CHUNKSCOPE_SUITE_SUMMARY, JSON.stringify(summary));
  console.log(`[host suite] ${summary.passed} passed, ${summary.failed} failed in ${(summary.ms / 1000).toFixed(0)} s`);
  return summary.failed === 0 && (summary.passed > 0 || process.env.CHUNKSCOPE_TEST_GREP) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[host suite] ${err instanceof Error ? err.stack : String(err)}`);
    if (process.env.CHUNKSCOPE_SUITE_SUMMARY)
      writeFileSync(
        process.env.CHUNKSCOPE_SUITE_SUMMARY,
        JSON.stringify({ suite: 'extension host', passed: 0, failed: 1, pending: 0, ms: Date.now() - t0 }),
      );
    process.exit(1);
  },
);

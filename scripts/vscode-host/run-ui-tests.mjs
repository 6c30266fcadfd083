#!/usr/bin/env node
// The UI suite: mocha over out/test/ui/*.ui.js, which drive the real workbench (code-server 1.100)
// in Debian's Chromium. Prepares the host first (seconds when already prepared). Screenshots go to
// test-artifacts/ui/. Build first (npm run build).
//
//   node scripts/vscode-host/run-ui-tests.mjs            (CHUNKSCOPE_TEST_GREP=… to filter)
//
// Writes {suite, passed, failed, pending, ms} to CHUNKSCOPE_SUITE_SUMMARY when set; exits 0 only
// if every test passed.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareHost } from './prepare.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const t0 = Date.now();
const summary = { suite: 'ui', passed: 0, failed: 0, pending: 0, ms: 0 };
const finish = (code) => {
  summary.ms = Date.now() - t0;
  if (process.env.CHUNKSCOPE_SUITE_SUMMARY)
    writeFileSync(process.env.CHUNKSCOPE_SUITE_SUMMARY, JSON.stringify(summary));
  console.log(`[ui suite] ${summary.passed} passed, ${summary.failed} failed in ${(summary.ms / 1000).toFixed(0)} s`);
  // The host helpers kill any server/browser group still alive on exit.
  process.exit(code);
};

try {
  await prepareHost();
  const dir = path.join(root, 'out', 'test', 'ui');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm run build first`);
  // Fresh artifacts each run, so a failed-*.png is always from this run.
  rmSync(path.join(root, 'test-artifacts', 'ui'), { recursive: true, force: true });
  const Mocha = require('mocha');
  const mocha = new Mocha({ timeout: 120_000, reporter: 'spec', grep: process.env.CHUNKSCOPE_TEST_GREP });
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.ui.js'))
    .sort())
    mocha.addFile(path.join(dir, f));
  const runner = mocha.run((failures) =>
    finish(failures > 0 || (summary.passed === 0 && !process.env.CHUNKSCOPE_TEST_GREP) ? 1 : 0),
  );
  runner.on('pass', () => summary.passed++);
  runner.on('fail', () => summary.failed++);
  runner.on('pending', () => summary.pending++);
} catch (err) {
  console.error(`[ui suite] ${err instanceof Error ? err.stack : String(err)}`);
  summary.failed = Math.max(1, summary.failed);
  finish(1);
}

// `npm test`: builds, runs every mocha suite, and ends with one totals line that CI reads:
// "tests: N passed, M failed" (mocha's own summary is not read by CI).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });

const Mocha = require('mocha');
const grep = process.env.CHUNKSCOPE_TEST_GREP;
const mocha = new Mocha({ timeout: 60_000, reporter: 'spec', grep });
const testRoot = path.join(root, 'out/test');
// The real-VS-Code host suites run inside the extension host, not in this process.
const files = readdirSync(testRoot, { recursive: true })
  .filter((f) => f.endsWith('.test.js') && !f.split(path.sep).includes('host'))
  .sort()
  .map((f) => path.join('out/test', f));
for (const file of files) mocha.addFile(path.join(root, file));

const totals = { passed: 0, failed: 0, pending: 0 };
const runner = mocha.run();
runner.on('pass', () => totals.passed++);
runner.on('fail', () => totals.failed++);
runner.on('pending', () => totals.pending++);
runner.on('end', () => {
  const skipped = totals.pending ? `, ${totals.pending} skipped` : '';
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
  process.exitCode = totals.failed > 0 || totals.passed === 0 ? 1 : 0;
  // Worker pools left open by a failed test must not keep CI waiting.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});

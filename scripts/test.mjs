// `npm test`: builds, runs the static checks (import rules, the browser-only type-check of the
// webview, prettier, eslint), runs every mocha suite, and ends with one totals line that CI reads:
// "tests: N passed, M failed" (mocha's own summary is not read by CI). Each static check counts as
// one test.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { CHROMIUM } from './vscode-host/paths.mjs';
import { REDIS_SERVER, ensureRedisServer } from './redis.mjs';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The webview's type-check runs below as a counted check, not inside the build.
execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--no-webview-tsc'], {
  stdio: 'inherit',
  cwd: root,
});

const totals = { passed: 0, failed: 0, pending: 0 };

// Static checks, before mocha. Each is one test: passed, or failed with the tool's output.
const CHECKS = [
  {
    name: 'check-imports',
    bin: 'scripts/check-imports.mjs',
    args: [],
    fix: 'scripts/check-imports.mjs lists the rules and the known debt',
  },
  {
    name: 'webview type-check (tsconfig.webview.json)',
    bin: 'node_modules/typescript/bin/tsc',
    args: ['-p', 'tsconfig.webview.json'],
    fix: 'webview/ and the engine files it imports are browser code: no Node modules or globals',
  },
  {
    name: 'prettier --check',
    bin: 'node_modules/prettier/bin/prettier.cjs',
    args: ['--check', '--log-level', 'warn', '.'],
    fix: 'npm run format (prettier --write) formats the files listed',
  },
  { name: 'eslint', bin: 'node_modules/eslint/bin/eslint.js', args: ['.'], fix: 'eslint.config.mjs lists the rules' },
];
const checkResults = [];
console.log('── static checks ──');
for (const check of CHECKS) {
  const started = Date.now();
  const bin = path.join(root, check.bin);
  const r = existsSync(bin)
    ? spawnSync(process.execPath, [bin, ...check.args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
    : { status: 1, stdout: `${check.bin} is missing: run npm ci\n`, stderr: '' };
  const ok = r.status === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  checkResults.push({ name: check.name, ok });
  if (ok) {
    totals.passed++;
    console.log(`  ✔ ${check.name} (${seconds} s)`);
  } else {
    totals.failed++;
    console.log(`  ✖ ${check.name} failed (${seconds} s):`);
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`.trimEnd();
    console.log(output.replace(/^/gm, '    '));
    console.log(`    → ${check.fix}`);
  }
}

// The report suite (test/report.test.ts) is a unit suite that drives Debian's Chromium, so on a
// fresh machine Chromium must be installed before the unit phase: the host preparation does that
// (apt-get; idempotent, about a second when everything is in place). If it cannot, the report
// suite fails saying what is missing.
if (!existsSync(CHROMIUM)) {
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts/vscode-host/prepare.mjs')], {
      stdio: 'inherit',
      cwd: root,
    });
  } catch (err) {
    console.error(
      `Could not prepare Chromium for the report tests: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

// The cluster suite (test/cluster.test.ts) starts its own redis-server: Debian's package is
// installed here when missing (apt-get), like Chromium above. If it cannot be, that suite fails
// saying so (under CI) or is skipped.
if (!existsSync(REDIS_SERVER)) {
  try {
    ensureRedisServer();
  } catch (err) {
    console.error(
      `Could not install redis-server for the cluster tests: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

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

const runner = mocha.run();
runner.on('pass', () => totals.passed++);
runner.on('fail', () => totals.failed++);
runner.on('pending', () => totals.pending++);
runner.on('end', async () => {
  // Then the real-VS-Code suites (scripts/vscode-host/): the extension-host suite through
  // @vscode/test-electron's runTests, and the UI suite in Chromium. Each prepares the cached host
  // first (a minute or two the first time on a machine, about a second after that) and reports its
  // counts in a summary file. CHUNKSCOPE_SKIP_HOST_TESTS=1 runs the unit suites only.
  if (!process.env.CHUNKSCOPE_SKIP_HOST_TESTS) {
    for (const script of ['run-host-tests.mjs', 'run-ui-tests.mjs']) await runHostSuite(script);
  }
  const failedChecks = checkResults.filter((c) => !c.ok).map((c) => c.name);
  if (failedChecks.length)
    console.log(`\nstatic checks failed (output above the mocha suites): ${failedChecks.join(', ')}`);
  const skipped = totals.pending ? `, ${totals.pending} skipped` : '';
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
  process.exitCode = totals.failed > 0 || totals.passed === 0 ? 1 : 0;
  // Worker pools left open by a failed test must not keep CI waiting.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});

async function runHostSuite(script) {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync, existsSync } = await import('node:fs');
  const os = await import('node:os');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-suite-'));
  const summaryFile = path.join(dir, 'summary.json');
  const started = Date.now();
  console.log(`\n── ${script} ──`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/vscode-host', script)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, CHUNKSCOPE_SUITE_SUMMARY: summaryFile },
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
  const s = existsSync(summaryFile)
    ? JSON.parse(readFileSync(summaryFile, 'utf8'))
    : { passed: 0, failed: 1, pending: 0 };
  rmSync(dir, { recursive: true, force: true });
  // A suite that crashed without failing a test still counts as one failure.
  const failed = s.failed || (code !== 0 ? 1 : 0);
  totals.passed += s.passed;
  totals.failed += failed;
  totals.pending += s.pending ?? 0;
  console.log(`${script}: ${s.passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// The built CLI (bin/chunkscope.js → dist/cli.js), spawned as a user would run it.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TempDir, readNdjson, writeProcessor } from './helpers';

const BIN = path.join(ROOT, 'bin', 'chunkscope.js');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertNoStack(text: string): void {
  assert.ok(!text.includes('    at '), `no stack trace expected, got:\n${text}`);
}

describe('CLI', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let data: string;
  let identity: string;
  let sum: string;
  const N = 500;
  let expectedSum = 0;

  before(() => {
    assert.ok(
      fs.existsSync(path.join(ROOT, 'dist', 'cli.js')),
      'dist/cli.js must be built before the tests (node scripts/build.mjs)',
    );
    tmp = new TempDir('chunkscope-cli-');
    let s = 'id,name,v\n';
    for (let i = 1; i <= N; i++) {
      s += `${i},"name, ${i}",${i * 3}\n`;
      expectedSum += i * 3;
    }
    data = tmp.write('cli.csv', s);
    identity = writeProcessor(tmp, 'identity.js', 'exports.processRow = (row) => row;\n');
    sum = writeProcessor(
      tmp,
      'sum.js',
      'exports.processRow = (row) => Number(row.v);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
    );
  });
  after(() => tmp?.dispose());

  it('--help exits 0 and shows the run command and its options', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const word of ['run', '--processor', '--strategy', '--workers', '--out', '--timings', '--trace', '--json']) {
      assert.ok(r.stdout.includes(word), `help mentions ${word}:\n${r.stdout}`);
    }
  });

  it('an unknown option exits 2 with a clear message naming it, no stack trace', () => {
    const r = cli(['run', data, '--processor', identity, '--bogus-option']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.ok(r.stderr.includes('--bogus-option'), r.stderr);
    assertNoStack(r.stderr + r.stdout);
  });

  it('a bad option value exits 2 (unknown strategy, non-numeric workers)', () => {
    for (const args of [
      ['--strategy', 'sideways'],
      ['--workers', 'many'],
    ]) {
      const r = cli(['run', data, '--processor', identity, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assertNoStack(r.stderr + r.stdout);
    }
  });

  it('run without --processor exits 2', () => {
    const r = cli(['run', data]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assertNoStack(r.stderr + r.stdout);
  });

  it('a missing data file exits 1 with a message naming the file, no stack trace', () => {
    const missing = path.join(tmp.dir, 'not-here.csv');
    const r = cli(['run', missing, '--processor', identity]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes('not-here.csv'), r.stderr);
    assertNoStack(r.stderr + r.stdout);
  });

  it('an empty data file exits 1 with a clear message, no stack trace', () => {
    const empty = tmp.write('empty.csv', '');
    const r = cli(['run', empty, '--processor', identity]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(path.basename(empty)), r.stderr);
    assertNoStack(r.stderr + r.stdout);
  });

  it('a header-only file exits 0 with 0 rows', () => {
    const ho = tmp.write('ho.csv', 'a,b\n');
    const r = cli(['run', ho, '--processor', identity, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.rows, 0);
  });

  it('a run with --out, --timings, --trace and --json writes all three and prints a parseable summary', () => {
    const out = tmp.path('res.ndjson');
    const timings = tmp.path('timings.json');
    const trace = tmp.path('trace.json');
    const r = cli([
      'run',
      data,
      '--processor',
      identity,
      '--strategy',
      'batches',
      '--workers',
      '2',
      '--chunk-rows',
      '50',
      '--out',
      out,
      '--timings',
      timings,
      '--trace',
      trace,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.summary.rows, N);
    assert.equal(json.summary.strategy, 'batches');
    assert.equal(json.summary.workers, 2);
    assert.equal(json.summary.chunks, N / 50);
    assert.ok(Array.isArray(json.errors) && json.errors.length === 0);
    const rows = readNdjson(out) as Array<Record<string, string>>;
    assert.equal(rows.length, N);
    assert.deepEqual(rows[0], { id: '1', name: 'name, 1', v: '3' });
    assert.deepEqual(rows[N - 1], { id: String(N), name: `name, ${N}`, v: String(N * 3) });
    const t = JSON.parse(fs.readFileSync(timings, 'utf8'));
    assert.equal(t.summary.rows, N);
    assert.equal(t.chunks.length, N / 50);
    const tr = JSON.parse(fs.readFileSync(trace, 'utf8'));
    assert.ok(Array.isArray(tr.traceEvents) && tr.traceEvents.length > 0);
    assert.ok(tr.traceEvents.some((e: { ph: string }) => e.ph === 'X'));
  });

  it('with a combine processor the result is printed (plain and --json)', () => {
    const plain = cli(['run', data, '--processor', sum, '--workers', '2', '--chunk-rows', '64']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(plain.stdout.includes(String(expectedSum)), `stdout shows ${expectedSum}:\n${plain.stdout}`);
    const json = cli(['run', data, '--processor', sum, '--workers', '2', '--chunk-rows', '64', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).result, expectedSum);
  });

  it('--no-header, --delimiter and --strategy are honoured', () => {
    const semi = tmp.write('semi.csv', '1;"a;b"\n2;c\n');
    const out = tmp.path('semi.ndjson');
    const r = cli([
      'run',
      semi,
      '--processor',
      identity,
      '--no-header',
      '--delimiter',
      ';',
      '--strategy',
      'byte-range',
      '--chunk-bytes',
      '3',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readNdjson(out), [
      ['1', 'a;b'],
      ['2', 'c'],
    ]);
    assert.equal(JSON.parse(r.stdout).summary.strategy, 'byte-range');
  });

  it('Ctrl-C (SIGINT) mid-run stops the run promptly, exits non-zero and removes partial output', async () => {
    let s = 'id,x\n';
    for (let i = 1; i <= 100_000; i++) s += `${i},${i % 10}\n`;
    const big = tmp.write('sigint.csv', s);
    const slow = writeProcessor(
      tmp,
      'slow.js',
      'const sab = new Int32Array(new SharedArrayBuffer(4));\nexports.processRow = (row) => { if (Number(row.id) % 10 === 0) Atomics.wait(sab, 0, 0, 1); return row.x; };\n',
    );
    const outDir = tmp.subdir('sigint-out');
    const out = path.join(outDir, 'res.ndjson');
    const child = spawn(
      process.execPath,
      [BIN, 'run', big, '--processor', slow, '--workers', '2', '--chunk-rows', '500', '--out', out],
      { cwd: ROOT },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', () => {});
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(child.exitCode, null, `the run should still be going after 1.5 s (slow processor); stderr: ${stderr}`);
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const { code, signal } = await exited;
    clearTimeout(killer);
    assert.notEqual(signal, 'SIGKILL', 'the CLI did not stop within 15 s of SIGINT');
    assert.ok(code !== 0, `exit code ${code} signal ${signal}`);
    assertNoStack(stderr);
    assert.deepEqual(fs.readdirSync(outDir), [], 'no partial or temporary out file left');
  });

  it('a processor that throws exits 1 naming the row and line; --on-error skip exits 0 and writes the errors file', () => {
    const bad = writeProcessor(
      tmp,
      'bad.js',
      "exports.processRow = (row) => { if (row.id === '7') throw new Error('seven is bad'); return row.id; };\n",
    );
    const out = tmp.path('bad.ndjson');
    const stop = cli(['run', data, '--processor', bad, '--out', out]);
    assert.equal(stop.code, 1, stop.stdout + stop.stderr);
    assert.ok(stop.stderr.includes('seven is bad'), stop.stderr);
    assert.match(stop.stderr, /row\D{0,3}7\b/i, stop.stderr);
    assert.match(stop.stderr, /line\D{0,3}8\b/i, stop.stderr);
    assert.equal(fs.existsSync(out), false, 'no partial out file');
    const skip = cli(['run', data, '--processor', bad, '--out', out, '--on-error', 'skip', '--json']);
    assert.equal(skip.code, 0, skip.stderr);
    const json = JSON.parse(skip.stdout);
    assert.equal(json.summary.skippedRows, 1);
    assert.equal(json.errors.length, 1);
    assert.equal(json.errors[0].row, 7);
    assert.equal(readNdjson(out).length, N - 1);
    assert.ok(fs.existsSync(`${out}.errors.ndjson`));
  });
});

// Arrow IPC files (Feather v2) end to end: the real engine and the CLI on files written by
// apache-arrow in several record batches, every output row checked against the values written,
// across worker counts and chunk sizes within a batch and spanning several; the columns shape;
// sweep and tune on a sample of batches; a cut file stopping the run with no output.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Dictionary, Int32, Int64, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { runDataset, runSweep } from '../src/engine';
import type { RunOptions } from '../src/engine';
import { IDENTITY_PROCESSOR, readNdjson, ROOT, TempDir, writeProcessor } from './helpers';

const BIN = path.join(ROOT, 'bin/chunkscope.js');
const BATCHES = [1200, 1, 2000, 799];
const ROWS = BATCHES.reduce((a, b) => a + b, 0);
const BIG = 2n ** 53n + 7n;

interface Written {
  id: number;
  x: number | null;
  cat: string;
  big: bigint;
  ts: Date;
}

function rowsWritten(): Written[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    id: i + 1,
    x: i % 10 === 3 ? null : i * 0.5,
    cat: ['north', 'süd', 'east'][i % 3],
    big: i % 1000 === 999 ? BIG + BigInt(i) : BigInt(i) * 3n,
    ts: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
  }));
}

/** What the identity processor writes for a row: the documented typed-value policy, then JSON. */
const asOutput = (r: Written) => ({
  id: r.id,
  x: r.x,
  cat: r.cat,
  big: r.big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r.big) : r.big.toString(),
  ts: r.ts.toISOString(),
});

function writeArrowFile(file: string, rows: Written[]): void {
  const whole = new Table({
    id: vectorFromArray(Int32Array.from(rows, (r) => r.id)),
    x: vectorFromArray(rows.map((r) => r.x)),
    cat: vectorFromArray(
      rows.map((r) => r.cat),
      new Dictionary(new Utf8(), new Int32()),
    ),
    big: vectorFromArray(
      rows.map((r) => r.big),
      new Int64(),
    ),
    ts: vectorFromArray(rows.map((r) => r.ts)),
  });
  // Slices of one batch share its schema and dictionaries: the file holds them as separate batches.
  const batches = [];
  let at = 0;
  for (const n of BATCHES) {
    batches.push(whole.batches[0].slice(at, at + n));
    at += n;
  }
  fs.writeFileSync(file, tableToIPC(new Table(batches), 'file'));
}

describe('Arrow IPC runs (engine and CLI)', function () {
  this.timeout(180_000);
  let tmp: TempDir;
  let file: string;
  let identity: string;
  let expected: unknown[];

  before(() => {
    tmp = new TempDir('chunkscope-arrow-run-');
    file = tmp.path('events.arrow');
    const rows = rowsWritten();
    writeArrowFile(file, rows);
    expected = rows.map(asOutput);
    identity = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
  });
  after(() => tmp?.dispose());

  const run = (options: Partial<RunOptions>) =>
    runDataset({ data: file, processor: identity, ...options } as RunOptions);

  for (const workers of [1, 2]) {
    for (const [name, opts] of [
      ['the default (whole batches)', {}],
      ['500 rows (within a batch)', { chunkRows: 500 }],
      ['3300 rows (spanning batches)', { chunkRows: 3300 }],
    ] as const) {
      it(`writes every row as written: ${workers} worker(s), chunks of ${name}`, async () => {
        const out = tmp.path('out.ndjson');
        const report = await run({ ...opts, workers, out });
        const rows = readNdjson(out);
        assert.equal(rows.length, ROWS);
        for (let i = 0; i < ROWS; i++) assert.deepStrictEqual(rows[i], expected[i], `row ${i + 1}`);
        assert.equal(report.summary.rows, ROWS);
        assert.equal(report.chunks[report.chunks.length - 1].byteEnd, fs.statSync(file).size);
        for (let k = 1; k < report.chunks.length; k++)
          assert.equal(report.chunks[k].byteStart, report.chunks[k - 1].byteEnd, 'chunks tile the file');
        if ('chunkRows' in opts) assert.ok(report.chunks.every((c) => c.rows <= opts.chunkRows));
      });
    }
  }

  it('hands processChunk Float64Array columns with rowShape columns', async () => {
    const proc = writeProcessor(
      tmp,
      'columns.js',
      `exports.options = { rowShape: 'columns' };
exports.processChunk = (c) => {
  if (!(c.columns.x instanceof Float64Array)) throw new Error('x is not a Float64Array');
  let sum = 0, nulls = 0;
  for (let i = 0; i < c.length; i++) { const v = c.columns.x[i]; if (Number.isNaN(v)) nulls++; else sum += v; }
  return [{ rows: c.length, sum, nulls, numeric: c.numeric.join(',') }];
};`,
    );
    const out = tmp.path('columns.ndjson');
    await run({ processor: proc, workers: 2, out });
    const parts = readNdjson(out) as { rows: number; sum: number; nulls: number; numeric: string }[];
    const rows = rowsWritten();
    assert.equal(
      parts.reduce((n, p) => n + p.rows, 0),
      ROWS,
    );
    assert.equal(
      parts.reduce((n, p) => n + p.sum, 0),
      rows.reduce((n, r) => n + (r.x ?? 0), 0),
    );
    assert.equal(
      parts.reduce((n, p) => n + p.nulls, 0),
      rows.filter((r) => r.x === null).length,
    );
    // big holds values past 2^53 in some batches: those chunks hand it over as values.
    assert.ok(parts.every((p) => p.numeric.split(',').includes('x') && p.numeric.split(',').includes('id')));
  });

  it('sweeps an Arrow file on a sample of whole batches', async () => {
    const report = await runSweep({
      data: file,
      processor: identity,
      workers: [1, 2],
      chunkRows: [500, 2000],
      repeats: 1,
      sample: { rows: 2000 },
    });
    assert.equal(report.points.length, 4);
    assert.ok(report.sample.rows >= 2000 && report.sample.rows < ROWS, `${report.sample.rows} sampled rows`);
    for (const point of report.points) assert.ok(point.rowsPerSecond.median > 0);
  });

  it('the CLI runs, sweeps and tunes an Arrow file, and fails on a cut file with no output', () => {
    const out = tmp.path('cli.ndjson');
    const ok = spawnSync(process.execPath, [BIN, 'run', file, '--processor', identity, '--out', out], {
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(readNdjson(out).length, ROWS);
    const tune = spawnSync(process.execPath, [BIN, 'tune', file, '--processor', identity], { encoding: 'utf8' });
    assert.equal(tune.status, 0, tune.stderr);
    assert.match(tune.stdout, /Settings: byte-range, \d worker/);

    const cut = tmp.path('cut.arrow');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const failedOut = tmp.path('cut.ndjson');
    const failed = spawnSync(process.execPath, [BIN, 'run', cut, '--processor', identity, '--out', failedOut], {
      encoding: 'utf8',
    });
    assert.notEqual(failed.status, 0);
    assert.match(failed.stderr, /cut(-\d+)?\.arrow: the Arrow file has no footer/);
    assert.doesNotMatch(failed.stderr, /expected \d+ fields/);
    assert.ok(!fs.existsSync(failedOut), 'no output file');
  });
});

// Parquet end to end: the real engine (runDataset, worker pool) and the CLI (bin/chunkscope.js on
// dist/) on real files written by DuckDB, every output row checked against DuckDB's reading of the
// same file, across worker counts and chunk sizes smaller than a row group and spanning several;
// the columns shape; row errors placed by row group; a corrupt page and a cut footer stopping the
// run with no output; sweep and tune completing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { ChunkscopeError, runDataset, runSweep } from '../src/engine';
import type { RunOptions } from '../src/engine';
import { IDENTITY_PROCESSOR, readNdjson, ROOT, TempDir, writeProcessor } from './helpers';
import { duckRows, FIXTURE_ROWS, fixtureSelect, normalise, withDuckDb, quoted, writeParquet } from './parquet-fixtures';

const BIN = path.join(ROOT, 'bin/chunkscope.js');

/** Rows: 3 row groups of 2048, 2048 and 904 (ROW_GROUP_SIZE 2048). */
describe('Parquet runs (engine and CLI) against DuckDB', function () {
  this.timeout(180_000);
  let tmp: TempDir;
  let file: string;
  let identity: string;
  let expected: unknown[];

  before(async () => {
    tmp = new TempDir('chunkscope-parquet-run-');
    file = tmp.path('flights.parquet');
    await writeParquet(file, fixtureSelect(), 'COMPRESSION zstd, ROW_GROUP_SIZE 2048');
    expected = (await duckRows(file)).map(normalise);
    identity = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
  });
  after(() => tmp?.dispose());

  const run = (options: Partial<RunOptions>) =>
    runDataset({ data: file, processor: identity, ...options } as RunOptions);

  const sizes: { name: string; opts: Partial<RunOptions>; chunks?: number }[] = [
    { name: 'the default (adaptive: whole row groups)', opts: {} },
    { name: '500 rows (smaller than a row group)', opts: { chunkRows: 500 } },
    { name: '4096 rows (two row groups)', opts: { chunkRows: 4096 }, chunks: 2 },
    { name: '20 kB (part of a row group)', opts: { chunkBytes: 20_000 } },
    { name: '1 MB (every row group)', opts: { chunkBytes: 1 << 20 }, chunks: 1 },
  ];
  for (const workers of [1, 2]) {
    for (const { name, opts, chunks } of sizes) {
      it(`writes every row as DuckDB reads it: ${workers} worker${workers > 1 ? 's' : ''}, chunks of ${name}`, async () => {
        const out = tmp.path('out.ndjson');
        const report = await run({ ...opts, workers, out });
        const rows = readNdjson(out);
        assert.equal(rows.length, FIXTURE_ROWS);
        for (let i = 0; i < rows.length; i++) assert.deepStrictEqual(rows[i], expected[i], `row ${i + 1}`);
        assert.equal(report.summary.rows, FIXTURE_ROWS);
        if (chunks !== undefined) assert.equal(report.chunks.length, chunks);
        // The chunks' byte spans tile the file from the first row group to the end.
        assert.equal(report.chunks[0].byteStart, 4);
        assert.equal(report.chunks[report.chunks.length - 1].byteEnd, fs.statSync(file).size);
        for (let k = 1; k < report.chunks.length; k++)
          assert.equal(report.chunks[k].byteStart, report.chunks[k - 1].byteEnd);
        assert.ok(report.chunks.every((c) => c.readMs >= 0 && c.parseMs > 0));
        if (opts.chunkRows === 500)
          assert.ok(
            report.chunks.every((c) => c.rows <= 500 && c.rows > 0),
            'row groups are cut into row ranges',
          );
      });
    }
  }

  it('hands processChunk Float64Array columns with rowShape columns, in parallel', async () => {
    const proc = writeProcessor(
      tmp,
      'columns.js',
      `exports.options = { rowShape: 'columns' };
exports.processChunk = (c) => {
  const x = c.columns.x, id = c.columns.id;
  if (!(x instanceof Float64Array) || !(id instanceof Float64Array)) throw new Error('not Float64Array: ' + c.numeric);
  let sum = 0, nulls = 0;
  for (let i = 0; i < c.length; i++) { if (Number.isNaN(x[i])) nulls++; else sum += x[i] * id[i]; }
  return [{ rows: c.length, sum, nulls, firstCat: c.columns.cat[0], numeric: c.numeric.join(',') }];
};
exports.combine = (a, b) => ({ rows: a.rows + b.rows, sum: a.sum + b.sum, nulls: a.nulls + b.nulls, firstCat: a.firstCat, numeric: a.numeric });
`,
    );
    const [want] = await withDuckDb((_run, rows) =>
      rows(
        `SELECT count(*)::INTEGER AS rows, sum(x * id) AS sum, count(*) FILTER (WHERE x IS NULL)::INTEGER AS nulls FROM read_parquet(${quoted(file)})`,
      ),
    );
    const report = await run({ processor: proc, workers: 2, chunkRows: 1000 });
    const result = report.result as { rows: number; sum: number; nulls: number; firstCat: string; numeric: string };
    assert.equal(result.rows, want.rows);
    assert.equal(result.nulls, want.nulls);
    assert.ok(Math.abs(result.sum - (want.sum as number)) <= 1e-9 * Math.abs(want.sum as number), `${result.sum}`);
    assert.equal(result.firstCat, 'red');
    assert.ok(report.chunks.length >= 5);
  });

  it('names the row and its row group when the processor throws, and keeps no output', async () => {
    const proc = writeProcessor(
      tmp,
      'throws.js',
      `exports.processRow = (row) => { if (row.id === 3000) throw new Error('no flights on row ' + row.id); return row.id; };\n`,
    );
    const out = tmp.path('throws.ndjson');
    await assert.rejects(run({ processor: proc, workers: 2, chunkRows: 700, out }), (err: unknown) => {
      assert.ok(err instanceof ChunkscopeError);
      assert.equal(err.code, 'processor');
      assert.match(err.message, /flights-\d+\.parquet, row 3001 \(row group 1\), chunk \d+/);
      assert.match(err.message, /no flights on row 3000/);
      assert.doesNotMatch(err.message, /line \d/);
      assert.equal(err.location?.row, 3001);
      assert.equal(err.location?.place, 'row group 1');
      return true;
    });
    assert.equal(fs.existsSync(out), false, 'no partial output file');
    // A chunk of two row groups still places the row in its own one.
    await assert.rejects(
      run({ processor: proc, workers: 1, chunkRows: 4096, out }),
      /row 3001 \(row group 1\), chunk 0/,
    );
    // Skipped instead: the errors file names the row too.
    const skipOut = tmp.path('skip.ndjson');
    const report = await run({ processor: proc, workers: 2, out: skipOut, onError: 'skip' });
    assert.equal(readNdjson(skipOut).length, FIXTURE_ROWS - 1);
    assert.equal(report.errors[0].row, 3001);
    assert.equal(report.errors[0].place, 'row group 1');
  });

  /** A copy of the file with bytes inside one column chunk's compressed page overwritten. */
  function corrupt(name: string, group: number, column: string): string {
    const bytes = fs.readFileSync(file);
    const copy = tmp.write(name, bytes);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const chunk = metadata.row_groups[group].columns.find((c) => c.meta_data?.path_in_schema[0] === column)!.meta_data!;
    const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
    const fd = fs.openSync(copy, 'r+');
    fs.writeSync(fd, Buffer.alloc(64, 0xa7), 0, 64, start + Math.floor(Number(chunk.total_compressed_size) / 2));
    fs.closeSync(fd);
    return copy;
  }

  const corruptMessage =
    /corrupt-\d+\.parquet: cannot decode column "s" \(UTF8\) in row group 1 \(rows 2049–4096, bytes \d+–\d+\), written by DuckDB/;

  it('stops at a corrupt page, naming the file, row group and column, with no output file', async () => {
    const bad = corrupt('corrupt.parquet', 1, 's');
    for (const workers of [1, 2]) {
      const out = tmp.path('corrupt.ndjson');
      await assert.rejects(runDataset({ data: bad, processor: identity, workers, out }), (err: unknown) => {
        assert.ok(err instanceof ChunkscopeError);
        assert.equal(err.code, 'data');
        assert.match(err.message, corruptMessage);
        return true;
      });
      assert.equal(fs.existsSync(out), false);
    }
  });

  it('the CLI runs a Parquet file, and fails on a corrupt page or a cut footer with a message, a non-zero exit and no output', () => {
    const out = tmp.path('cli.ndjson');
    const ok = spawnSync(
      process.execPath,
      [BIN, 'run', file, '--processor', identity, '--out', out, '--workers', '2', '--chunk-rows', '1500'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /\(parquet\)/);
    const rows = readNdjson(out);
    assert.equal(rows.length, FIXTURE_ROWS);
    for (let i = 0; i < rows.length; i++) assert.deepStrictEqual(rows[i], expected[i], `row ${i + 1}`);

    const bad = corrupt('corrupt.parquet', 1, 's');
    const whole = fs.readFileSync(file);
    const cut = tmp.write('cut.parquet', whole.subarray(0, whole.length - 3));
    const cases: [string, RegExp][] = [
      [bad, corruptMessage],
      [
        cut,
        /cut-\d+\.parquet: not a complete Parquet file: the footer magic PAR1 is missing at byte \d+ \(the file may be truncated\)/,
      ],
    ];
    for (const [data, message] of cases) {
      const failedOut = tmp.path('failed.ndjson');
      const r = spawnSync(
        process.execPath,
        [BIN, 'run', data, '--processor', identity, '--out', failedOut, '--workers', '2'],
        {
          encoding: 'utf8',
        },
      );
      assert.notEqual(r.status, 0, `${data} must fail`);
      assert.match(r.stderr, message);
      assert.equal(fs.existsSync(failedOut), false, 'no output file');
    }
  });

  it('says which strategy reads Parquet when another is asked for', async () => {
    for (const strategy of ['batches', 'per-row', 'shared-columns'] as const)
      await assert.rejects(run({ strategy }), (err: unknown) => {
        assert.ok(err instanceof ChunkscopeError);
        assert.equal(err.code, 'usage');
        assert.match(
          err.message,
          new RegExp(`Parquet file: it runs with the byte-range strategy .*; ${strategy} reads text formats`),
        );
        return true;
      });
  });

  it('sweeps a Parquet file on a sample of row groups (other strategies skipped)', async () => {
    const report = await runSweep({
      data: file,
      processor: identity,
      workers: [1, 2],
      chunkRows: [500, 2048],
      repeats: 1,
      strategies: ['byte-range', 'batches'],
      sample: { rows: 2500 },
    });
    assert.deepEqual(report.grid.strategies, ['byte-range']);
    assert.equal(report.points.length, 4);
    assert.equal(report.sample.rows, 2048 + (FIXTURE_ROWS - 4096), 'two of the three row groups');
    for (const point of report.points) assert.ok(point.rowsPerSecond.median > 0);
    assert.ok(report.best);
  });

  it('the CLI sweeps and tunes a Parquet file', () => {
    const sweep = spawnSync(
      process.execPath,
      [BIN, 'sweep', file, '--processor', identity, '--workers', '1,2', '--chunk-rows', '1000,4096', '--repeats', '1'],
      { encoding: 'utf8' },
    );
    assert.equal(sweep.status, 0, sweep.stderr);
    assert.match(sweep.stdout, /Best measured: byte-range/);
    const tune = spawnSync(process.execPath, [BIN, 'tune', file, '--processor', identity], { encoding: 'utf8' });
    assert.equal(tune.status, 0, tune.stderr);
    assert.match(tune.stdout, /Settings: byte-range, \d worker/);
    assert.match(tune.stdout, /chunkscope run .*flights-\d+\.parquet .*--chunk-rows \d+/);
  });
});

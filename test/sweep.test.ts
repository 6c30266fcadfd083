// Sweeps on real worker threads: the sample spread over the file and cut at record boundaries,
// statistics and the interleaved order, a budget keeping partial results, and a cancel that
// leaves no temp file and no live pool behind.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspectDataset, runSweep } from '../src/engine';
import { prepareSample, parseSampleSize } from '../src/engine/read/sample';
import { median } from '../src/engine/base/stats';
import { ROOT, datasetForSuite, parseCsvReference } from './helpers';

const CHEAP = path.join(ROOT, 'test/fixtures/cost/cheap-row.js');
const SPIN = path.join(ROOT, 'test/fixtures/cost/spin-chunk.js');

describe('sweep', function () {
  this.timeout(240_000);
  const ROWS = 20_000;
  const suite = datasetForSuite('chunkscope-sweep-', 'notes.csv', () => {
    let csv = 'id,note,v\n';
    // Quoted notes with embedded newlines and commas: a naive newline cut would split records.
    for (let i = 1; i <= ROWS; i++) csv += `${i},"line one, of ${i}\nline two",${i % 13}\n`;
    return csv;
  });

  it('the sample is byte ranges spread over the whole file, cut at record boundaries', async () => {
    const info = await inspectDataset(suite.data);
    const dir = suite.tmp.subdir('sample');
    const prepared = prepareSample(info, { rows: 2000 }, dir);
    const { sample } = prepared;
    assert.ok(sample.ranges.length > 4, `${sample.ranges.length} ranges`);
    assert.equal(sample.ranges[0].start, info.dataStart);
    assert.ok(
      sample.ranges[sample.ranges.length - 1].end > info.sizeBytes * 0.9,
      'the last range reaches the end of the file',
    );
    const text = fs.readFileSync(suite.data);
    for (const r of sample.ranges) assert.equal(text[r.start - 1], 10, `range at ${r.start} starts after a newline`);
    const rows = parseCsvReference(fs.readFileSync(prepared.path, 'utf8'));
    assert.deepEqual(rows[0], ['id', 'note', 'v']);
    assert.equal(rows.length - 1, sample.rows);
    // Rows asked for become bytes through the mean row size of the file's head: close, not exact.
    assert.ok(sample.rows >= 1700 && sample.rows < 2400, `${sample.rows} rows`);
    for (const row of rows.slice(1)) assert.equal(row[1], `line one, of ${row[0]}\nline two`, 'every record whole');
    const ids = rows.slice(1).map((r) => Number(r[0]));
    assert.ok(ids[ids.length - 1] > ROWS * 0.9, 'rows from the end of the file are in the sample');
    assert.ok(sample.fraction > 0.08 && sample.fraction < 0.13);
    assert.deepEqual(parseSampleSize('10%'), { fraction: 0.1 });
    assert.deepEqual(parseSampleSize('0.25'), { fraction: 0.25 });
    assert.deepEqual(parseSampleSize('5000'), { rows: 5000 });
    assert.throws(() => parseSampleSize('1.5'), /--sample needs a fraction .* got "1.5"/);
  });

  it('runs every point in a fresh random order each round after a discarded warm-up round; medians and spreads are the repeats’', async () => {
    const tempDir = suite.tmp.subdir('t');
    const report = await runSweep({
      data: suite.data,
      processor: CHEAP,
      workers: [1, 2],
      chunkRows: [200, 2000, 10_000],
      repeats: 3,
      seed: 11,
      tempDir,
    });
    assert.equal(report.points.length, 6);
    assert.equal(report.runsPlanned, 6 * 4);
    assert.equal(report.runsDone, 6 * 4, 'warm-up runs were run too');
    const orders = report.points.flatMap((p) => p.repeats.map((r) => ({ key: p.key, order: r.order })));
    assert.deepEqual(
      orders.map((o) => o.order).sort((a, b) => a - b),
      Array.from({ length: 18 }, (_, i) => i),
    );
    for (let round = 0; round < 3; round++) {
      const keys = orders.filter((o) => Math.floor(o.order / 6) === round).map((o) => o.key);
      assert.equal(new Set(keys).size, 6, `round ${round} visits every point once`);
    }
    const roundOrders = [0, 1, 2].map((round) =>
      orders
        .filter((o) => Math.floor(o.order / 6) === round)
        .sort((a, b) => a.order - b.order)
        .map((o) => o.key)
        .join(),
    );
    assert.ok(new Set(roundOrders).size > 1, 'the order changes between rounds');
    for (const p of report.points) {
      const rps = p.repeats.map((r) => r.rowsPerSecond);
      assert.equal(p.rowsPerSecond.median, median(rps));
      assert.equal(p.rowsPerSecond.min, Math.min(...rps));
      assert.equal(p.rowsPerSecond.max, Math.max(...rps));
      assert.deepEqual(
        p.rowsPerSecond.ci95,
        [Math.min(...rps), Math.max(...rps)],
        'three repeats: the interval is min–max',
      );
      assert.ok(
        p.repeats.every((r) => r.rows === ROWS),
        'every run covered the whole (small) file',
      );
    }
    assert.equal(report.sample.fraction, 1);
    assert.equal(report.sample.rows, ROWS, 'the counted rows replace the estimate');
    assert.ok(JSON.stringify(report).length < 40_000, 'no per-chunk arrays in the report');
    assert.equal(report.best!.rowsPerSecond, Math.max(...report.points.map((p) => p.rowsPerSecond.median)));
    assert.equal(report.recommendations.length, 2);
    assert.deepEqual(fs.readdirSync(tempDir), [], 'the sweep’s temp folder is gone');
  });

  it('the default grid runs from one row a chunk to one chunk per worker, tiny chunks on a spread sub-sample', async () => {
    const tempDir = suite.tmp.subdir('g');
    const report = await runSweep({ data: suite.data, processor: CHEAP, workers: [2], repeats: 1, seed: 5, tempDir });
    assert.equal(report.grid.sizes[0], 1);
    // The grid is laid out before any run, from the rows estimated by the mean row size.
    const top = report.grid.sizes[report.grid.sizes.length - 1];
    assert.ok(top > (ROWS / 2) * 0.8 && top < (ROWS / 2) * 1.2, `top size ${top}`);
    const one = report.points.find((p) => p.chunkRows === 1)!;
    assert.ok(one.repeats[0].rows! < ROWS && one.chunks <= 4000 + 1, `1-row chunks ran on ${one.repeats[0].rows} rows`);
    assert.deepEqual(fs.readdirSync(tempDir), []);
  });

  it('a budget stops the sweep and keeps what was measured', async () => {
    const tempDir = suite.tmp.subdir('b');
    // 2000 rows × 20 µs = 40 ms of spinning a run at least: 60 runs cannot fit in 2.5 s.
    const small = suite.tmp.write(
      'small.csv',
      'i,v\n' + Array.from({ length: 2000 }, (_, i) => `${i},${i}\n`).join(''),
    );
    const seen: number[] = [];
    const report = await runSweep(
      {
        data: small,
        processor: SPIN,
        workers: [1],
        chunkRows: [20, 50, 100, 200, 500],
        repeats: 11,
        budgetSeconds: 2.5,
        seed: 1,
        tempDir,
      },
      { onPoint: (point) => seen.push(point.repeats.length) },
    );
    assert.equal(report.stopped, 'budget');
    assert.ok(report.runsDone! < report.runsPlanned!, `${report.runsDone} of ${report.runsPlanned} runs`);
    assert.ok(report.points.length >= 1 && seen.length >= 1, 'measured points are kept');
    assert.equal(
      report.points.reduce((n, p) => n + p.repeats.length, 0),
      seen.length,
      'every measured run is in the report',
    );
    assert.match(report.explanation.join('\n'), /budget of 2.5 s ran out/);
    assert.deepEqual(fs.readdirSync(tempDir), []);
  });

  it('cancel keeps the measured points, removes the sample and closes the pool (the process exits by itself)', () => {
    const tempDir = suite.tmp.subdir('c');
    const big = suite.tmp.write('big.csv', 'i,v\n' + Array.from({ length: 30_000 }, (_, i) => `${i},${i}\n`).join(''));
    // In a child: if a worker pool were left open, the child would never exit and spawnSync would time out.
    const script = `
      const { runSweep } = require(${JSON.stringify(path.join(ROOT, 'out/src/engine/index.js'))});
      const controller = new AbortController();
      let runs = 0;
      runSweep({ data: ${JSON.stringify(big)}, processor: ${JSON.stringify(SPIN)}, workers: [1], chunkRows: [500, 1000, 2000], repeats: 5, sample: { rows: 10000 }, seed: 2, tempDir: ${JSON.stringify(tempDir)} },
        { signal: controller.signal, onProgress: () => { if (++runs === 4) controller.abort(); },
          onPoint: () => { const leftovers = require('fs').readdirSync(${JSON.stringify(tempDir)}); process.stdout.write('during:' + leftovers.length + '\\n'); } })
        .then((r) => process.stdout.write(JSON.stringify({ stopped: r.stopped, points: r.points.length, runs: r.runsDone, sampleFraction: r.sample.fraction }) + '\\n'));
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.error, undefined, `the child did not exit by itself: ${child.error}`);
    assert.equal(child.status, 0, child.stderr);
    const lines = child.stdout.trim().split('\n');
    assert.ok(
      lines.some((l) => l === 'during:1'),
      'a sample folder existed during the sweep',
    );
    const result = JSON.parse(lines[lines.length - 1]);
    assert.equal(result.stopped, 'cancelled');
    assert.ok(result.sampleFraction < 1, 'it ran on a sample file');
    assert.ok(result.points >= 1, 'measured points are kept');
    assert.equal(result.runs, 4);
    assert.deepEqual(fs.readdirSync(tempDir), [], 'no temp sample left');
  });

  it('bad input is a usage error naming the option', async () => {
    await assert.rejects(
      runSweep({ data: suite.data, processor: CHEAP, chunkRows: [0] }),
      /Chunk rows must be whole numbers of at least 1, got 0/,
    );
    await assert.rejects(
      runSweep({ data: suite.data, processor: CHEAP, chunkRows: [10], chunkBytes: [100] }),
      /either chunk sizes in rows or in bytes/,
    );
    await assert.rejects(
      runSweep({ data: suite.data, processor: CHEAP, repeats: 0 }),
      /Repeats must be a whole number/,
    );
    await assert.rejects(
      runSweep({ data: suite.data, processor: CHEAP, strategies: ['sideways' as never] }),
      /Unknown strategy "sideways"/,
    );
  });
});

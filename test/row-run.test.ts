// processRow runs on rows as they are parsed (src/engine/worker/row-run.ts), and each worker holds its
// next chunk while it runs one (executor.ts). Real worker threads and files: the results stay exact
// when a chunk must be parsed again, errors keep their rows, a worker still runs its chunks one at
// a time, and the time inside processRow is counted as compute, not parse.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runDataset } from '../src/engine';
import { TempDir, hangGuard, readNdjson, rejection, writeProcessor } from './helpers';

describe('rows run as they are parsed; a worker holds its next chunk', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  before(() => (tmp = new TempDir('chunkscope-row-run-')));
  after(() => tmp.dispose());

  it('a record longer than the read-ahead is parsed again from its chunk start: every row once, in order', async () => {
    // Rows 1000 and 2500 hold 200 KB quoted fields with newlines, so the record that ends a 16 KiB
    // range runs past the 64 KiB read ahead: that chunk is read again with more slack after hundreds
    // of its rows (more than one hand-over batch) already ran.
    let csv = 'id,text,x\n';
    for (let i = 1; i <= 3000; i++) {
      const text = i === 1000 || i === 2500 ? `"${'long,\nfield '.repeat(16_000)}"` : `short ${i}`;
      csv += `${i},${text},${i * 3}\n`;
    }
    const data = tmp.write('long.csv', csv);
    // A side effect per call shows any row run twice in a chunk's final result.
    const proc = writeProcessor(
      tmp,
      'id.js',
      'let calls = 0;\nexports.processRow = (row) => ({ id: Number(row.id), len: row.text.length, x: Number(row.x), calls: ++calls });\n',
    );
    for (const workers of [1, 2]) {
      const out = tmp.path(`long-${workers}.ndjson`);
      const report = await hangGuard(
        runDataset({ data, processor: proc, workers, chunkBytes: 16 * 1024, out }),
        'long records',
      );
      const rows = readNdjson(out) as { id: number; len: number; x: number }[];
      assert.deepEqual(
        rows.map((r) => r.id),
        Array.from({ length: 3000 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        rows.map((r) => r.x),
        Array.from({ length: 3000 }, (_, i) => (i + 1) * 3),
      );
      assert.equal(rows[999].len, 'long,\nfield '.repeat(16_000).length);
      assert.equal(report.summary.rows, 3000);
    }
  });

  it('--on-error skip: data and processor errors of one chunk come back in row order, with their rows', async () => {
    let csv = 'id,x\n';
    for (let i = 1; i <= 1000; i++) csv += i === 700 ? `${i},1,extra\n` : `${i},${i}\n`;
    const data = tmp.write('mixed.csv', csv);
    const proc = writeProcessor(
      tmp,
      'throws.js',
      "exports.processRow = (row) => { if (row.id === '300' || row.id === '900') throw new Error('bad ' + row.id); return Number(row.x); };\n",
    );
    const out = tmp.path('mixed.ndjson');
    // One chunk holds every row: the parse finds row 700, the rows it hands over meet 300 and 900.
    const report = await runDataset({ data, processor: proc, workers: 1, chunkBytes: 1 << 20, out, onError: 'skip' });
    assert.equal(report.summary.skippedRows, 3);
    assert.deepEqual(
      report.errors.map((e) => [e.row, e.kind]),
      [
        [300, 'processor'],
        [700, 'data'],
        [900, 'processor'],
      ],
    );
    const errors = readNdjson(`${out}.errors.ndjson`) as { row: number; data: unknown }[];
    assert.deepEqual(
      errors.map((e) => e.row),
      [300, 700, 900],
    );
    assert.deepEqual(errors[0].data, { id: '300', x: '300' });
    const values = readNdjson(out) as number[];
    assert.equal(values.length, 997);
    assert.ok(!values.includes(300) && !values.includes(900));
  });

  it('--on-error stop: the first failing row stops the run, with its row and line', async () => {
    let csv = 'id,x\n';
    for (let i = 1; i <= 2000; i++) csv += `${i},${i}\n`;
    const data = tmp.write('stop.csv', csv);
    const proc = writeProcessor(
      tmp,
      'stop.js',
      "exports.processRow = (row) => { if (row.id === '1500') throw new Error('stop here'); return 1; };\n",
    );
    const out = tmp.path('stop.ndjson');
    const error = await rejection(runDataset({ data, processor: proc, workers: 2, chunkBytes: 4096, out }));
    assert.match(error.message, /row 1500, line 1501/);
    assert.match(error.message, /stop here/);
    assert.equal(fs.existsSync(out), false);
  });

  it('a worker runs its chunks one after another, even when an async processRow waits', async () => {
    let csv = 'id,x\n';
    for (let i = 1; i <= 400; i++) csv += `${i},${i}\n`;
    const data = tmp.write('async.csv', csv);
    // Every 20th row awaits a timer: were a held chunk let in meanwhile, chunks would overlap on a lane.
    const proc = writeProcessor(
      tmp,
      'async.js',
      'exports.processRow = async (row) => { if (Number(row.id) % 20 === 0) await new Promise((r) => setTimeout(r, 2)); return Number(row.x) * 2; };\n',
    );
    const out = tmp.path('async.ndjson');
    const report = await hangGuard(
      runDataset({ data, processor: proc, workers: 2, chunkBytes: 256, out }),
      'async rows',
    );
    assert.deepEqual(
      readNdjson(out),
      Array.from({ length: 400 }, (_, i) => (i + 1) * 2),
    );
    const byWorker = new Map<number, typeof report.chunks>();
    for (const c of report.chunks) byWorker.set(c.workerId, [...(byWorker.get(c.workerId) ?? []), c]);
    assert.equal(byWorker.size, 2);
    for (const lane of byWorker.values()) {
      lane.sort((a, b) => a.startedAt - b.startedAt);
      for (let k = 1; k < lane.length; k++) {
        assert.ok(
          lane[k].startedAt >= lane[k - 1].finishedAt - 0.01,
          `chunks ${lane[k - 1].index} and ${lane[k].index} overlap on worker ${lane[k].workerId}`,
        );
      }
    }
  });

  it("processRow's own time is compute, not parse", async () => {
    let csv = 'id,x\n';
    for (let i = 1; i <= 600; i++) csv += `${i},${i}\n`;
    const data = tmp.write('busy.csv', csv);
    // Every 3rd row blocks 1 ms: at least 200 ms inside processRow, next to well under a millisecond of parsing.
    const proc = writeProcessor(
      tmp,
      'busy.js',
      'const sab = new Int32Array(new SharedArrayBuffer(4));\nexports.processRow = (row) => { if (Number(row.id) % 3 === 0) Atomics.wait(sab, 0, 0, 1); return 1; };\n',
    );
    const report = await runDataset({ data, processor: proc, workers: 1, chunkBytes: 2048 });
    const compute = report.chunks.reduce((n, c) => n + c.computeMs, 0);
    const parse = report.chunks.reduce((n, c) => n + c.parseMs, 0);
    assert.ok(compute >= 200, `compute ${compute} ms`);
    assert.ok(parse < compute / 4, `parse ${parse} ms, compute ${compute} ms`);
    for (const c of report.chunks) assert.ok(c.parseMs >= 0 && c.computeMs >= 0, JSON.stringify(c));
  });
});

describe('output files', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  before(() => (tmp = new TempDir('chunkscope-out-')));
  after(() => tmp.dispose());

  it('--out over an existing file replaces it whole, with no temporary file left beside it', async () => {
    let csv = 'id,x\n';
    for (let i = 1; i <= 500; i++) csv += `${i},${i}\n`;
    const data = tmp.write('replace.csv', csv);
    const proc = writeProcessor(tmp, 'double.js', 'exports.processRow = (row) => Number(row.x) * 2;\n');
    const folder = tmp.subdir('out');
    const out = `${folder}/replace.ndjson`;
    fs.writeFileSync(out, 'old line\n'.repeat(100_000));
    await runDataset({ data, processor: proc, workers: 2, out });
    assert.deepEqual(
      readNdjson(out),
      Array.from({ length: 500 }, (_, i) => (i + 1) * 2),
    );
    assert.deepEqual(fs.readdirSync(folder), ['replace.ndjson']);
  });
});

// Every way a run can go wrong ends in a ChunkscopeError that says what and where, with no partial
// --out file left behind, and no hang (the mocha timeouts here are hang detectors, not speed bars).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChunkscopeError, runDataset } from '../src/engine';
import type { RunOptions } from '../src/engine';
import { IDENTITY_PROCESSOR, STRATEGIES, TempDir, readNdjson, rejection, runToRows, writeProcessor } from './helpers';

const runToRowsLocal = (o: Omit<RunOptions, 'out'>) => runToRows(tmp, o);

let tmp: TempDir;

/** Runs with --out in a fresh folder, expects a ChunkscopeError with `code`, and checks that the out
 * folder is left empty (no out file, no temporary file). */
async function expectFailure(
  options: Omit<RunOptions, 'out'>,
  code: string | string[],
  hooks?: Parameters<typeof runDataset>[1],
): Promise<ChunkscopeError> {
  const outDir = tmp.subdir('outdir');
  const out = path.join(outDir, 'results.ndjson');
  const err = await rejection(runDataset({ ...options, out }, hooks));
  assert.ok(err instanceof ChunkscopeError, `expected a ChunkscopeError, got ${err && err.stack}`);
  assert.equal(err.name, 'ChunkscopeError');
  const codes = Array.isArray(code) ? code : [code];
  assert.ok(codes.includes(err.code), `expected code ${codes.join('|')}, got ${err.code}: ${err.message}`);
  assert.deepEqual(
    fs.readdirSync(outDir),
    [],
    `the out folder must be left empty after a failed run (${err.code}: ${err.message})`,
  );
  return err;
}

function rowsCsv(n: number, extra = ''): string {
  let s = 'id,name,x\n';
  for (let i = 1; i <= n; i++) s += `${i},name ${i}${extra},${i % 97}\n`;
  return s;
}

describe('errors: bad input and faults', function () {
  this.timeout(20_000);
  let identity: string;
  before(() => {
    tmp = new TempDir('chunkscope-errors-');
    identity = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
  });
  after(() => tmp.dispose());

  describe('malformed CSV', () => {
    // Row 2 (line 3, starting at byte 8) opens a quote that never closes.
    const UNTERMINATED = 'a,b\n1,2\n3,"oops\n4,5\n6,7\n';
    for (const strategy of STRATEGIES) {
      for (const chunking of [{}, { chunkBytes: 7 }, { chunkRows: 1 }]) {
        it(`unterminated quote → 'data' with file, line and byte offset (${strategy} ${JSON.stringify(chunking)})`, async () => {
          const data = tmp.write('unterminated.csv', UNTERMINATED);
          const err = await expectFailure({ data, processor: identity, strategy, workers: 2, ...chunking }, 'data');
          assert.ok(err.message.includes(path.basename(data)), `message names the file: ${err.message}`);
          assert.ok(err.location, 'location is set');
          assert.equal(err.location!.kind, 'data');
          assert.equal(err.location!.line, 3, `line of the opening quote's row: ${err.message}`);
          // The row starts at byte 8, its quote at byte 10: either is a precise answer.
          assert.ok([8, 10].includes(err.location!.byteOffset as number), `byteOffset ${err.location!.byteOffset}`);
          assert.match(err.message, /line\D{0,3}3\b/i, err.message);
          assert.ok(
            err.message.includes(String(err.location!.byteOffset)),
            `message has the byte offset: ${err.message}`,
          );
        });
      }
    }

    it("an unterminated quote in the last row, without a trailing newline → 'data'", async () => {
      const data = tmp.write('unterminated-last.csv', 'a,b\n1,2\n3,"never closed');
      const err = await expectFailure({ data, processor: identity, strategy: 'byte-range', workers: 2 }, 'data');
      assert.equal(err.location?.line, 3);
    });

    for (const [label, text, row, line] of [
      ['too few fields', 'a,b\n1,2\n3\n4,5\n', 2, 3],
      ['too many fields', 'a,b\n1,2\n"x\ny",2\n3,4,5\n6,7\n', 3, 5],
    ] as const) {
      for (const strategy of STRATEGIES) {
        it(`a ragged row (${label}) → 'data' with row ${row} and line ${line} (${strategy})`, async () => {
          const data = tmp.write('ragged.csv', text);
          const err = await expectFailure({ data, processor: identity, strategy, workers: 2, chunkBytes: 4 }, 'data');
          assert.equal(err.location?.row, row, err.message);
          assert.equal(err.location?.line, line, err.message);
          assert.match(err.message, new RegExp(`row\\D{0,3}${row}\\b`, 'i'), err.message);
          assert.match(err.message, new RegExp(`line\\D{0,3}${line}\\b`, 'i'), err.message);
        });
      }
    }

    it("a JSON Lines line that is not JSON → 'data' with its line", async () => {
      const data = tmp.write('bad.jsonl', '{"a":1}\n{"a":2}\n{"a":\n{"a":4}\n');
      const err = await expectFailure(
        { data, processor: identity, strategy: 'byte-range', workers: 2, chunkBytes: 8 },
        'data',
      );
      assert.equal(err.location?.line, 3, err.message);
    });
  });

  describe('the processor throws', () => {
    // Row 2 holds an embedded newline, so row 5 sits on physical line 7 (header is line 1).
    const TEXT = 'id,text\n1,a\n2,"multi\nline"\n3,c\n4,d\n5,e\n6,f\n';
    const ROW5_BYTE = Buffer.byteLength(TEXT.slice(0, TEXT.indexOf('5,e')));
    for (const strategy of STRATEGIES) {
      it(`stop: 'processor' error with row 5, line 7, chunk, worker, message and stack (${strategy})`, async () => {
        const data = tmp.write('throws.csv', TEXT);
        const proc = writeProcessor(
          tmp,
          'throws-at-5.js',
          "exports.processRow = (row) => {\n  if (row.id === '5') throw new Error('boom at five');\n  return row;\n};\n",
        );
        const err = await expectFailure({ data, processor: proc, strategy, workers: 2, chunkRows: 2 }, 'processor');
        const loc = err.location;
        assert.ok(loc, 'location is set');
        assert.equal(loc!.kind, 'processor');
        assert.equal(loc!.row, 5);
        assert.equal(loc!.line, 7);
        if (loc!.byteOffset !== undefined) assert.equal(loc!.byteOffset, ROW5_BYTE);
        assert.ok(Number.isInteger(loc!.chunk) && loc!.chunk >= 0, `chunk ${loc!.chunk}`);
        assert.ok(typeof loc!.workerId === 'number' && loc!.workerId > 0, `workerId ${loc!.workerId}`);
        assert.ok(loc!.message.includes('boom at five'), loc!.message);
        assert.ok(loc!.stack && loc!.stack.includes(path.basename(proc)), `stack names the processor: ${loc!.stack}`);
        assert.ok(
          loc!.stack!.includes(`${path.basename(proc)}:2`),
          `stack points at line 2 of the processor: ${loc!.stack}`,
        );
        assert.ok(err.message.includes('boom at five'), err.message);
        assert.ok(err.message.includes(path.basename(data)), err.message);
        assert.match(err.message, /row\D{0,3}5\b/i, err.message);
        assert.match(err.message, /line\D{0,3}7\b/i, err.message);
        assert.match(err.message, new RegExp(`chunk\\D{0,3}${loc!.chunk}\\b`, 'i'), err.message);
        assert.match(err.message, new RegExp(`worker\\D{0,3}${loc!.workerId}\\b`, 'i'), err.message);
      });
    }

    for (const strategy of STRATEGIES) {
      it(`onError 'skip': goes on, writes <out>.errors.ndjson with the skipped rows, counts them (${strategy})`, async () => {
        // Rows 3, 6 and 9 throw; row 2 has an embedded newline, so row n >= 3 is on line n + 2.
        let text = 'id,text\n1,val-1\n2,"val\n2"\n';
        for (let i = 3; i <= 10; i++) text += `${i},val-${i}\n`;
        const data = tmp.write('skip.csv', text);
        const proc = writeProcessor(
          tmp,
          'throws-every-3.js',
          "exports.processRow = (row) => {\n  if (Number(row.id) % 3 === 0) throw new Error('multiple of three: ' + row.id);\n  return row.id;\n};\n",
        );
        const outDir = tmp.subdir('skipout');
        const out = path.join(outDir, 'res.ndjson');
        const report = await runDataset({
          data,
          processor: proc,
          strategy,
          workers: 2,
          chunkRows: 2,
          onError: 'skip',
          out,
        });
        assert.deepEqual(readNdjson(out), ['1', '2', '4', '5', '7', '8', '10']);
        assert.equal(report.summary.skippedRows, 3);
        assert.equal(report.summary.rows, 10, 'rows counts every data row read');
        assert.equal(
          report.chunks.reduce((s, c) => s + c.skipped, 0),
          3,
          'ChunkRecord.skipped sums to the skipped rows',
        );
        const errorsFile = `${out}.errors.ndjson`;
        assert.equal(report.summary.errorsFile, errorsFile);
        assert.deepEqual(
          report.errors.map((e) => [e.kind, e.row, e.line]),
          [
            ['processor', 3, 5],
            ['processor', 6, 8],
            ['processor', 9, 11],
          ],
        );
        for (const e of report.errors) {
          const rec = report.chunks.find((c) => c.index === e.chunk);
          assert.ok(rec, `error names chunk ${e.chunk}, which has a record`);
          assert.ok(
            rec!.firstRow <= e.row! && e.row! < rec!.firstRow + rec!.rows,
            `row ${e.row} lies in chunk ${e.chunk}`,
          );
          assert.ok(e.message.includes(`multiple of three: ${e.row}`));
          assert.ok(e.workerId! > 0);
        }
        const lines = fs
          .readFileSync(errorsFile, 'utf8')
          .split('\n')
          .filter((l) => l !== '');
        assert.equal(lines.length, 3);
        lines.forEach((l, k) => {
          JSON.parse(l);
          const id = [3, 6, 9][k];
          assert.ok(l.includes(`multiple of three: ${id}`), `errors line has the error: ${l}`);
          assert.ok(l.includes(`val-${id}`), `errors line has the skipped row's data: ${l}`);
          assert.match(l, new RegExp(`"row":\\s*${id}\\b`), l);
        });
        assert.deepEqual(fs.readdirSync(outDir).sort(), ['res.ndjson', 'res.ndjson.errors.ndjson']);
      });
    }
  });

  describe('workers that die, hang or blow their memory', () => {
    it("a worker calling process.exit(1) mid-run → 'worker' naming the chunk, no partial output", async () => {
      const data = tmp.write('exit.csv', rowsCsv(3000));
      const proc = writeProcessor(
        tmp,
        'exits.js',
        "exports.processRow = (row) => { if (row.id === '1500') process.exit(1); return row; };\n",
      );
      const err = await expectFailure(
        { data, processor: proc, strategy: 'byte-range', workers: 2, chunkRows: 100 },
        'worker',
      );
      assert.match(err.message, /chunk\D{0,3}\d+/i, err.message);
    });

    for (const strategy of ['batches', 'per-row'] as const) {
      it(`process.exit(1) under ${strategy} → 'worker'`, async () => {
        const data = tmp.write('exit2.csv', rowsCsv(300));
        const proc = writeProcessor(
          tmp,
          'exits2.js',
          "exports.processRow = (row) => { if (row.id === '150') process.exit(1); return row; };\n",
        );
        const err = await expectFailure({ data, processor: proc, strategy, workers: 2, chunkRows: 10 }, 'worker');
        assert.match(err.message, /chunk\D{0,3}\d+/i, err.message);
      });
    }

    it("a processor that loops forever with chunkTimeout 1 → 'timeout' naming the chunk", async () => {
      const data = tmp.write('loop.csv', rowsCsv(50));
      const proc = writeProcessor(
        tmp,
        'loops.js',
        "exports.processRow = (row) => { if (row.id === '30') for (;;) {} return row; };\n",
      );
      const err = await expectFailure(
        { data, processor: proc, strategy: 'byte-range', workers: 2, chunkRows: 10, chunkTimeout: 1 },
        'timeout',
      );
      assert.match(err.message, /chunk\D{0,3}\d+/i, err.message);
    });

    it("out of memory under maxWorkerMemoryMb 32 → 'worker'", async function () {
      this.timeout(60_000);
      const data = tmp.write('oom.csv', rowsCsv(100));
      const proc = writeProcessor(
        tmp,
        'hog.js',
        'const keep = [];\nexports.processRow = (row) => { for (;;) keep.push(new Array(10000).fill(row.id + Math.random())); };\n',
      );
      const err = await expectFailure(
        { data, processor: proc, strategy: 'byte-range', workers: 2, maxWorkerMemoryMb: 32 },
        'worker',
      );
      assert.match(err.message, /chunk\D{0,3}\d+/i, err.message);
    });
  });

  describe('output files', () => {
    it('a failed run leaves an existing out file untouched (temporary file renamed only on success)', async () => {
      const data = tmp.write('fail-late.csv', rowsCsv(400));
      const proc = writeProcessor(
        tmp,
        'fails-late.js',
        "exports.processRow = (row) => { if (row.id === '390') throw new Error('late'); return row.id; };\n",
      );
      const outDir = tmp.subdir('keep');
      const out = path.join(outDir, 'results.ndjson');
      fs.writeFileSync(out, 'OLD CONTENT\n');
      const err = await rejection(runDataset({ data, processor: proc, workers: 2, chunkRows: 10, out }));
      assert.equal(err.code, 'processor');
      assert.equal(fs.readFileSync(out, 'utf8'), 'OLD CONTENT\n');
      assert.deepEqual(fs.readdirSync(outDir), ['results.ndjson'], 'no temporary file left beside it');
    });

    it('a successful run leaves exactly the out file in its folder', async () => {
      const data = tmp.write('ok.csv', rowsCsv(300));
      const outDir = tmp.subdir('okout');
      const out = path.join(outDir, 'results.ndjson');
      fs.writeFileSync(out, 'OLD CONTENT\n');
      await runDataset({ data, processor: identity, workers: 2, chunkRows: 7, out });
      assert.deepEqual(fs.readdirSync(outDir), ['results.ndjson']);
      assert.equal(readNdjson(out).length, 300, 'the old content was replaced');
    });

    it('an out path in a folder that does not exist → a clear error, nothing processed', async () => {
      const data = tmp.write('ok.csv', rowsCsv(10));
      const out = path.join(tmp.dir, 'no-such-folder', 'results.ndjson');
      const err = await rejection(runDataset({ data, processor: identity, out }));
      assert.ok(err instanceof ChunkscopeError, String(err));
      assert.ok(['io', 'usage', 'input'].includes(err.code), err.code);
      assert.ok(err.message.includes('no-such-folder'), err.message);
    });
  });

  describe('usage errors', () => {
    for (const [label, opts] of [
      ['workers 0', { workers: 0 }],
      ['an unknown strategy', { strategy: 'sideways' as never }],
      ['both chunkRows and chunkBytes', { chunkRows: 10, chunkBytes: 100 }],
      ['chunkRows 0', { chunkRows: 0 }],
      ['a negative chunkTimeout', { chunkTimeout: -1 }],
    ] as const) {
      it(`${label} → 'usage'`, async () => {
        const data = tmp.write('u.csv', rowsCsv(5));
        await expectFailure({ data, processor: identity, ...opts }, 'usage');
      });
    }
  });

  describe('chunk timeout is per chunk', () => {
    it('chunks that each run 0.6 s under chunkTimeout 1 succeed even when queued behind each other on one worker', async () => {
      const data = tmp.write('slowchunks.csv', rowsCsv(6));
      const proc = writeProcessor(
        tmp,
        'slowchunk.js',
        'exports.processRow = (row) => { const t = Date.now(); while (Date.now() - t < 600) {} return Number(row.id); };\n',
      );
      const { rows } = await runToRowsLocal({
        data,
        processor: proc,
        strategy: 'batches',
        workers: 1,
        chunkRows: 1,
        chunkTimeout: 1,
      });
      assert.deepEqual(rows, [1, 2, 3, 4, 5, 6]);
    });
  });

  describe('cancellation', () => {
    it("aborting mid-run on 200k rows → 'cancelled', no out file, and the workers stop", async () => {
      const data = tmp.write('big.csv', rowsCsv(200_000, ' with some padding text'));
      const marker = tmp.path('progress.marker');
      // Slow enough that the run lasts well past the abort; every 1000 rows leaves a mark.
      const proc = writeProcessor(
        tmp,
        'slowish.js',
        `const fs = require('fs');\nconst sab = new Int32Array(new SharedArrayBuffer(4));\n` +
          `exports.processRow = (row) => {\n  const n = Number(row.id);\n  if (n % 100 === 0) Atomics.wait(sab, 0, 0, 1);\n` +
          `  if (n % 1000 === 0) fs.appendFileSync(${JSON.stringify(marker)}, 'x');\n  return n;\n};\n`,
      );
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 700);
      let progressEvents = 0;
      const err = await expectFailure(
        { data, processor: proc, strategy: 'byte-range', workers: 2, chunkRows: 500 },
        'cancelled',
        {
          signal: ac.signal,
          onProgress: (p) => {
            progressEvents++;
            if (p.rows > 0 && p.rows < 200_000) ac.abort();
          },
        },
      );
      clearTimeout(timer);
      assert.ok(progressEvents >= 0);
      assert.ok(!/\n\s+at /.test(err.message), 'message has no stack trace');
      const marksAtReject = fs.existsSync(marker) ? fs.statSync(marker).size : 0;
      assert.ok(marksAtReject < 200, `the run was cancelled mid-way (marks ${marksAtReject} of 200)`);
      await new Promise((r) => setTimeout(r, 600));
      const marksLater = fs.existsSync(marker) ? fs.statSync(marker).size : 0;
      assert.equal(marksLater, marksAtReject, 'no worker kept processing rows after the run rejected');
    });

    it("an already-aborted signal → 'cancelled' and no row runs", async () => {
      const data = tmp.write('small.csv', rowsCsv(100));
      const marker = tmp.path('rows.marker');
      const proc = writeProcessor(
        tmp,
        'marks.js',
        `exports.processRow = (row) => { require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); return row; };\n`,
      );
      await expectFailure({ data, processor: proc, workers: 2 }, 'cancelled', { signal: AbortSignal.abort() });
      assert.equal(fs.existsSync(marker), false, 'no row was processed');
    });
  });

  describe('more faults', () => {
    it("aborting while setup() is still running → 'cancelled' promptly", async () => {
      const data = tmp.write('d.csv', rowsCsv(100));
      const proc = writeProcessor(
        tmp,
        'slow-setup.js',
        'exports.setup = async () => { await new Promise((r) => setTimeout(r, 8000)); };\nexports.processRow = (r) => r;\n',
      );
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const started = Date.now();
      await expectFailure({ data, processor: proc, workers: 2 }, 'cancelled', { signal: ac.signal });
      assert.ok(Date.now() - started < 8000, 'did not wait for setup() to finish');
    });

    it('a worker that exits inside setup() → a clear error, no hang', async () => {
      const data = tmp.write('d.csv', rowsCsv(100));
      const proc = writeProcessor(
        tmp,
        'exit-setup.js',
        'exports.setup = () => { process.exit(3); };\nexports.processRow = (r) => r;\n',
      );
      const err = await expectFailure({ data, processor: proc, workers: 2 }, ['processor', 'worker']);
      assert.match(err.message, /setup|load/i, err.message);
    });

    for (const [label, thrown, shown] of [
      ['a string', "'plain string'", 'plain string'],
      ['null', 'null', 'null'],
      ['an object', "{ reason: 'odd' }", 'odd'],
    ]) {
      it(`a processor that throws ${label} (not an Error) → 'processor' with row and line`, async () => {
        const data = tmp.write('d.csv', rowsCsv(20));
        const proc = writeProcessor(
          tmp,
          'throw-odd.js',
          `exports.processRow = (r) => { if (r.id === '5') throw ${thrown}; return r; };\n`,
        );
        const err = await expectFailure({ data, processor: proc, workers: 2 }, 'processor');
        assert.equal(err.location?.row, 5);
        assert.equal(err.location?.line, 6);
        assert.ok(err.message.includes(shown), err.message);
      });
    }

    it('onError skip with every row failing: all 3000 land in the errors file and the count', async () => {
      const data = tmp.write('d.csv', rowsCsv(3000));
      const proc = writeProcessor(
        tmp,
        'all-throw.js',
        "exports.processRow = (r) => { throw new Error('no ' + r.id); };\n",
      );
      const out = tmp.path('all.ndjson');
      const report = await runDataset({ data, processor: proc, workers: 2, chunkRows: 100, onError: 'skip', out });
      assert.equal(report.summary.skippedRows, 3000);
      assert.equal(fs.readFileSync(out, 'utf8'), '');
      const lines = fs
        .readFileSync(`${out}.errors.ndjson`, 'utf8')
        .split('\n')
        .filter((l) => l);
      assert.equal(lines.length, 3000);
      lines.forEach((l, i) => assert.ok(l.includes(`no ${i + 1}"`), `line ${i + 1} in order: ${l}`));
    });

    it('a run after a crashed run works (the failed pool was torn down, nothing shared)', async () => {
      const data = tmp.write('d.csv', rowsCsv(300));
      const crash = writeProcessor(
        tmp,
        'crash.js',
        "exports.processRow = (r) => { if (r.id === '100') process.exit(1); return r; };\n",
      );
      await expectFailure({ data, processor: crash, workers: 2, chunkRows: 10 }, 'worker');
      const { rows } = await runToRowsLocal({ data, processor: identity, workers: 2, chunkRows: 10 });
      assert.equal(rows.length, 300);
    });
  });

  describe('missing, empty and header-only inputs', () => {
    it("a missing data file → 'input' naming the file", async () => {
      const data = path.join(tmp.dir, 'does-not-exist.csv');
      const err = await expectFailure({ data, processor: identity }, 'input');
      assert.ok(err.message.includes('does-not-exist.csv'), err.message);
      assert.ok(!/\n\s+at /.test(err.message), 'no stack trace in the message');
    });

    it("an empty data file → 'input' naming the file", async () => {
      const data = tmp.write('empty.csv', '');
      const err = await expectFailure({ data, processor: identity }, 'input');
      assert.ok(err.message.includes(path.basename(data)), err.message);
    });

    it("an empty JSON Lines file → 'input'", async () => {
      const data = tmp.write('empty.jsonl', '');
      await expectFailure({ data, processor: identity }, 'input');
    });

    for (const strategy of STRATEGIES) {
      for (const [label, text] of [
        ['with newline', 'a,b,c\n'],
        ['without newline', 'a,b,c'],
        ['with BOM and CRLF', '\ufeffa,b,c\r\n'],
      ]) {
        it(`a header-only file (${label}) → 0 rows, no error, empty out file (${strategy})`, async () => {
          const data = tmp.write('header-only.csv', text);
          const marker = tmp.path('ho.marker');
          const proc = writeProcessor(
            tmp,
            'ho.js',
            `exports.processRow = (row) => { require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); return row; };\n`,
          );
          const out = tmp.path('ho.ndjson');
          const report = await runDataset({ data, processor: proc, strategy, workers: 2, out });
          assert.equal(report.summary.rows, 0);
          assert.equal(
            report.chunks.reduce((s, c) => s + c.rows, 0),
            0,
          );
          assert.equal(fs.readFileSync(out, 'utf8'), '');
          assert.equal(fs.existsSync(marker), false);
        });
      }
    }
  });

  describe('broken processors fail before any row runs', () => {
    it("no processRow/processChunk export → 'processor'", async () => {
      const data = tmp.write('d.csv', rowsCsv(10));
      const proc = writeProcessor(tmp, 'noexports.js', 'exports.somethingElse = () => 1;\n');
      const err = await expectFailure({ data, processor: proc }, 'processor');
      assert.match(err.message, /processRow|processChunk/, err.message);
      assert.ok(err.message.includes(path.basename(proc)), err.message);
    });

    it("an .mjs without the exports → 'processor'", async () => {
      const data = tmp.write('d.csv', rowsCsv(10));
      const proc = writeProcessor(tmp, 'noexports.mjs', 'export const notIt = 1;\n');
      await expectFailure({ data, processor: proc }, 'processor');
    });

    for (const [ext, src] of [
      ['.js', 'exports.processRow = (row) => { return row +;\n'],
      ['.mjs', 'export function processRow(row) { return row +; }\n'],
      ['.ts', 'export function processRow(row: any): any { return row +; }\n'],
    ]) {
      it(`a syntax error in a ${ext} processor → 'processor' naming the file`, async () => {
        const data = tmp.write('d.csv', rowsCsv(10));
        const proc = writeProcessor(tmp, `syntax${ext}`, src);
        const err = await expectFailure({ data, processor: proc }, 'processor');
        assert.ok(err.message.includes(path.basename(proc)), err.message);
      });
    }

    for (const [label, setup] of [
      ['throws', "exports.setup = () => { throw new Error('setup exploded'); };\n"],
      [
        'rejects (async)',
        "exports.setup = async () => { await new Promise((r) => setTimeout(r, 10)); throw new Error('setup exploded'); };\n",
      ],
    ]) {
      it(`setup() that ${label} → 'processor', no row processed`, async () => {
        const data = tmp.write('d.csv', rowsCsv(50));
        const marker = tmp.path('setup.marker');
        const proc = writeProcessor(
          tmp,
          'badsetup.js',
          setup +
            `exports.processRow = (row) => { require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); return row; };\n`,
        );
        const err = await expectFailure({ data, processor: proc, workers: 2, chunkRows: 5 }, 'processor');
        assert.ok(err.message.includes('setup exploded'), err.message);
        assert.equal(fs.existsSync(marker), false, 'no row was processed');
      });
    }

    it('a missing processor file → a clear error naming it', async () => {
      const data = tmp.write('d.csv', rowsCsv(10));
      const err = await expectFailure({ data, processor: path.join(tmp.dir, 'nope.js') }, [
        'input',
        'processor',
        'usage',
      ]);
      assert.ok(err.message.includes('nope.js'), err.message);
    });
  });
});

// The timings file codec: a real run's report survives the round trip; files that are not JSON,
// not a Chunkscope timings file, or from a newer Chunkscope are rejected with errors naming them; a
// file written by the release before "format"/"version" (test/fixtures/files/timings-v0.json)
// still reads and renders; the write is atomic.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  ChunkscopeError,
  decodeTimings,
  encodeTimings,
  readTimingsFile,
  runDataset,
  TIMINGS_FORMAT,
  TIMINGS_VERSION,
  writeTimingsFile,
  type RunReport,
} from '../../../src/engine';
import { renderStandaloneReport } from '../../../src/report-html/page';
import { launchChromium } from '../../chromium';
import { ROOT, TempDir, dropUndefined, inputError, writeProcessor } from '../../helpers';

const LEGACY = path.join(ROOT, 'test/fixtures/files/timings-v0.json');
const BIN = path.join(ROOT, 'bin/chunkscope.js');

describe('timings file codec', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let report: RunReport;

  before(async function () {
    tmp = new TempDir('chunkscope-timings-codec-');
    let csv = 'id,name,x\n';
    for (let i = 1; i <= 600; i++) csv += `${i},"name, ${i}",${i % 11}\n`;
    const data = tmp.write('codec.csv', csv);
    const proc = writeProcessor(
      tmp,
      'sum.js',
      'exports.processRow = (row) => Number(row.x);\nexports.combine = (a, b) => a + b;\n',
    );
    report = await runDataset({ data, processor: proc, workers: 2, chunkRows: 100, strategy: 'batches' });
    assert.equal(report.chunks.length, 6);
  });
  after(() => tmp.dispose());

  it('writes "format" and "version" first, and a real run reads back equal', () => {
    const file = tmp.path('run.timings.json');
    writeTimingsFile(file, report);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^\{\n "format": "chunkscope-timings",\n "version": 1,\n "summary": \{/);
    assert.equal(TIMINGS_FORMAT, 'chunkscope-timings');
    assert.equal(TIMINGS_VERSION, 1);
    const back = readTimingsFile(file);
    assert.deepEqual(back, dropUndefined(report));
    assert.equal(
      (back as unknown as Record<string, unknown>).format,
      undefined,
      'the file header is not part of the report',
    );
    assert.equal(back.result, sumOfMod(600));
    // Encoding the decoded report gives the same text: nothing is added or lost on the way.
    assert.equal(encodeTimings(back), text);
  });

  it('rejects a file that is not JSON, naming it', () => {
    const file = tmp.write('broken.timings.json', '{"format": "chunkscope-timings", "version": 1, "summ');
    const err = inputError(() => readTimingsFile(file), file);
    assert.match(err.message, /is not a Chunkscope timings file: it is not valid JSON/);
  });

  it('rejects JSON that is not a Chunkscope timings file, naming it', () => {
    for (const [name, content] of [
      ['package.json', '{"name": "x", "version": "1.0.0"}'],
      ['list.json', '[1, 2, 3]'],
      ['number.json', '42'],
      ['half.json', '{"summary": {}}'],
      ['other-format.json', '{"format": "geojson", "summary": {}, "chunks": []}'],
    ]) {
      const file = tmp.write(name, content);
      const err = inputError(() => readTimingsFile(file), file);
      assert.match(err.message, /is not a Chunkscope timings file/);
      assert.match(err.message, /expected "format": "chunkscope-timings"/);
    }
    // Another Chunkscope file says what it is.
    const sweep = path.join(ROOT, 'test/fixtures/files/sweep-v0.json');
    assert.match(
      inputError(() => readTimingsFile(sweep), sweep).message,
      /is not a Chunkscope timings file: it is a Chunkscope sweep report/,
    );
    const tuning = tmp.write('tuning.json', '{"format": "chunkscope-tuning", "version": 1, "entries": {}}');
    assert.match(
      inputError(() => readTimingsFile(tuning), tuning).message,
      /it is a Chunkscope tuning file \("format": "chunkscope-tuning"\)/,
    );
  });

  it('rejects a file from a newer Chunkscope, saying which version it is and which it reads', () => {
    const text = encodeTimings(report).replace('"version": 1,', '"version": 2,');
    const file = tmp.write('future.timings.json', text);
    const err = inputError(() => readTimingsFile(file), file);
    assert.match(
      err.message,
      /was written by a newer Chunkscope \(timings file version 2; this Chunkscope reads up to version 1\)/,
    );
    assert.throws(
      () => decodeTimings(text.replace('"version": 2', '"version": "1"'), 'x.json'),
      /x\.json is not a valid Chunkscope timings file: "version" is "1"/,
    );
  });

  it('a missing file is a clear error naming it', () => {
    const file = path.join(tmp.dir, 'nowhere', 'run.timings.json');
    const err = inputError(() => readTimingsFile(file), file);
    assert.match(err.message, /no such file/);
  });

  it('reads the file the release before format/version wrote (test/fixtures/files/timings-v0.json)', () => {
    const raw = JSON.parse(fs.readFileSync(LEGACY, 'utf8')) as Record<string, unknown>;
    assert.equal(raw.format, undefined, 'the fixture is a legacy file');
    const legacy = readTimingsFile(LEGACY);
    assert.deepEqual(legacy, raw);
    assert.equal(legacy.summary.rows, 400);
    assert.equal(legacy.chunks.length, 4);
    assert.equal(legacy.summary.format, 'csv', "the dataset's format is the summary's, untouched");
    // Written again, it is a version-1 file with the same report.
    assert.deepEqual(decodeTimings(encodeTimings(legacy), 'again.json'), legacy);
  });

  it('renders the legacy file: `chunkscope report` writes the page and Chromium shows its four chunks', async function () {
    const html = tmp.path('legacy.report.html');
    const cli = spawnSync(process.execPath, [BIN, 'report', LEGACY, '-o', html], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /^Report: /);
    assert.ok(renderStandaloneReport(readTimingsFile(LEGACY), { profiles: false }).startsWith('<!DOCTYPE html>'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
      await page.goto(pathToFileURL(html).href);
      await page.waitForFunction(
        () => (window as unknown as { __chunkscopeReport?: { ready: boolean } }).__chunkscopeReport?.ready === true,
      );
      const chunks = await page.evaluate(
        () => (window as unknown as { __chunkscopeReport: { chunkCount: number } }).__chunkscopeReport.chunkCount,
      );
      assert.equal(chunks, 4);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });

  it('`chunkscope report` on a file that is not a timings file exits 1 with the message', () => {
    const file = tmp.write('notes.json', '{"notes": true}');
    const cli = spawnSync(process.execPath, [BIN, 'report', file], { encoding: 'utf8' });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /^chunkscope: .*notes-\d+\.json is not a Chunkscope timings file/);
    const compare = spawnSync(process.execPath, [BIN, 'report', LEGACY, file], { encoding: 'utf8' });
    assert.equal(compare.status, 1, 'compare reads through the same codec');
    assert.match(compare.stderr, /notes-\d+\.json is not a Chunkscope timings file/);
  });

  describe('atomic write', () => {
    it('leaves only the file: no temporary file beside it, after a write and after a failed one', () => {
      const dir = tmp.subdir('atomic');
      const file = path.join(dir, 'run.timings.json');
      writeTimingsFile(file, report);
      writeTimingsFile(file, report);
      assert.deepEqual(fs.readdirSync(dir), ['run.timings.json']);
      const before = fs.readFileSync(file, 'utf8');
      // A report JSON cannot encode: the old file stays whole and nothing else appears.
      assert.throws(() => writeTimingsFile(file, { ...report, result: 10n }), /BigInt/);
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      assert.deepEqual(fs.readdirSync(dir), ['run.timings.json']);
      // A folder that does not exist: an 'io' error naming the file, and no file at all.
      const missing = path.join(dir, 'no-such-folder', 'x.timings.json');
      assert.throws(
        () => writeTimingsFile(missing, report),
        (err: unknown) => err instanceof ChunkscopeError && err.code === 'io' && err.message.includes(missing),
      );
      assert.deepEqual(fs.readdirSync(dir), ['run.timings.json']);
    });

    it('a reader never sees half a file while it is rewritten', async function () {
      this.timeout(60_000);
      const dir = tmp.subdir('concurrent');
      const file = path.join(dir, 'big.timings.json');
      // A few MB, so that a plain write would be caught half done.
      const big: RunReport = {
        ...report,
        chunks: Array.from({ length: 200 }, () => report.chunks)
          .flat()
          .map((c, index) => ({ ...c, index })),
      };
      writeTimingsFile(file, big);
      const size = fs.statSync(file).size;
      assert.ok(size > 500_000, `${size} bytes`);
      const reader = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         const fs = require('node:fs');
         let reads = 0, bad = 0, stop = false;
         parentPort.on('message', () => { stop = true; });
         (function loop() {
           for (let i = 0; i < 20 && !stop; i++) {
             reads++;
             try { JSON.parse(fs.readFileSync(workerData, 'utf8')); } catch { bad++; }
           }
           if (stop) parentPort.postMessage({ reads, bad }); else setImmediate(loop);
         })();`,
        { eval: true, workerData: file },
      );
      try {
        const started = Date.now();
        let writes = 0;
        while (Date.now() - started < 1500 || writes < 10) {
          writeTimingsFile(file, big);
          writes++;
          await new Promise((resolve) => setImmediate(resolve));
        }
        reader.postMessage('stop');
        const seen = await new Promise<{ reads: number; bad: number }>((resolve) => reader.once('message', resolve));
        assert.ok(seen.reads > 5, `the reader read ${seen.reads} times`);
        assert.equal(seen.bad, 0, `${seen.bad} of ${seen.reads} reads saw a half-written file`);
      } finally {
        await reader.terminate();
      }
      assert.deepEqual(fs.readdirSync(dir), ['big.timings.json']);
      assert.equal(readTimingsFile(file).chunks.length, big.chunks.length);
    });
  });
});

/** Σ (i mod 11) for i = 1..n. */
function sumOfMod(n: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) s += i % 11;
  return s;
}

// Per-chunk timing records, the run summary and the Chrome trace: consistent with each other and
// with the file, on one clock. No speed assertions: only orderings, sums and identities.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { inspectDataset, runDataset, toChromeTrace } from '../src/engine';
import type { ChunkRecord, RunReport } from '../src/engine';
import { STRATEGIES, TempDir, assertPlainJson, dropUndefined, writeProcessor } from './helpers';

const EPS = 0.1; // ms: float rounding when worker timestamps are moved onto the main thread's clock

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

describe('per-chunk records, summary and trace', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let data: string;
  let dataStart: number;
  let size: number;
  let proc: string;
  const ROWS = 3000;
  const reports = new Map<string, RunReport>();

  before(async function () {
    this.timeout(120_000);
    tmp = new TempDir('chunkscope-records-');
    // A BOM, quoted fields with embedded newlines and multi-byte text, so rows and lines differ.
    let s = '\ufeffid,name,x\r\n';
    for (let i = 1; i <= ROWS; i++)
      s += i % 10 === 0 ? `${i},"two\nlines é ${i}",${i % 13}\r\n` : `${i},東京 ${i},${i % 13}\r\n`;
    data = tmp.write('records.csv', s);
    size = fs.statSync(data).size;
    const info = await inspectDataset(data);
    dataStart = info.dataStart;
    // A little work per row, so that both workers are busy and take chunks.
    proc = writeProcessor(
      tmp,
      'work.js',
      'const sab = new Int32Array(new SharedArrayBuffer(4));\nexports.processRow = (row) => { if (Number(row.id) % 40 === 0) Atomics.wait(sab, 0, 0, 1); return Number(row.x); };\n',
    );
    for (const strategy of STRATEGIES) {
      const out = tmp.path(`${strategy}.ndjson`);
      const opts = strategy === 'per-row' ? {} : strategy === 'byte-range' ? { chunkBytes: 2000 } : { chunkRows: 100 };
      const report = await runDataset({ data, processor: proc, strategy, workers: 2, out, ...opts });
      reports.set(strategy, report);
    }
  });
  after(() => tmp.dispose());

  it('inspectDataset: header, delimiter, data start after BOM and header, size', async () => {
    const info = await inspectDataset(data);
    assert.deepEqual(info.header, ['id', 'name', 'x']);
    assert.equal(info.delimiter, ',');
    assert.equal(info.format, 'csv');
    assert.equal(info.sizeBytes, size);
    assert.equal(info.dataStart, Buffer.byteLength('\ufeffid,name,x\r\n'));
    assert.deepEqual(info.sampleRows[0], ['1', '東京 1', '1']);
  });

  it('inspectDataset samples the same 1,000 rows whether they fit in its first 96 KiB or need the full 1 MiB', async () => {
    // Sample rows, numeric columns and bytes per row computed by hand from the file's own lines.
    const expectFor = (text: string) => {
      const lines = text.split('\n');
      const rows = lines.slice(1, 1001).map((l) => l.split(','));
      return {
        header: lines[0].split(','),
        rows,
        meanRowBytes: Buffer.byteLength(lines.slice(1, 1001).join('\n') + '\n') / 1000,
      };
    };
    // Two fields a row (a wide header's extra columns stay empty in the sample); UTF-8 in each row.
    const make = (rowBytes: number, headerNames: number) => {
      let text = Array.from({ length: headerNames }, (_, i) => `column_${i}`).join(',') + '\n';
      for (let i = 0; i < 3000; i++) {
        const first = `${i},é${i * 0.5}`;
        text += `${first}${'x'.repeat(Math.max(0, rowBytes - first.length))}\n`;
      }
      return text;
    };
    for (const [label, text] of [
      ['short rows: the sample fits in 96 KiB', make(40, 2)],
      ['long rows: the sample needs the full 1 MiB', make(300, 2)],
      ['a header longer than 96 KiB', make(20, 20_000)],
    ] as const) {
      const file = tmp.write('sample.csv', text);
      const info = await inspectDataset(file);
      const expected = expectFor(text);
      assert.deepEqual(info.header, expected.header, label);
      assert.equal(info.sampleRows.length, 1000, label);
      assert.deepEqual(info.sampleRows, expected.rows, label);
      assert.ok(
        Math.abs(info.meanRowBytes - expected.meanRowBytes) < 1e-9,
        `${label}: ${info.meanRowBytes} vs ${expected.meanRowBytes}`,
      );
      assert.deepEqual(info.numericColumns, ['column_0'], label);
    }
  });

  for (const strategy of STRATEGIES) {
    describe(strategy, () => {
      const rep = () => reports.get(strategy)!;
      const byIndex = () => [...rep().chunks].sort((a, b) => a.index - b.index);

      it('one record per chunk, indexes 0..n-1, rows sum to the row count, firstRow consecutive', () => {
        const chunks = byIndex();
        assert.ok(chunks.length >= 8, `expected at least 8 chunks, got ${chunks.length}`);
        assert.equal(rep().summary.chunks, chunks.length);
        chunks.forEach((c, k) => assert.equal(c.index, k));
        assert.equal(
          chunks.reduce((s, c) => s + c.rows, 0),
          ROWS,
        );
        let next = 1;
        for (const c of chunks) {
          assert.equal(c.firstRow, next, `chunk ${c.index} firstRow`);
          next += c.rows;
        }
        if (strategy === 'per-row')
          assert.ok(
            chunks.every((c) => c.rows === 1),
            'per-row: one row per task',
          );
      });

      it('firstLine counts physical lines (header is line 1; every 10th row spans two lines)', () => {
        for (const c of byIndex()) {
          if (c.rows === 0) continue;
          // Row r starts on line 1 + r + floor((r - 1) / 10).
          const r = c.firstRow;
          assert.equal(c.firstLine, 1 + r + Math.floor((r - 1) / 10), `chunk ${c.index} (firstRow ${r})`);
        }
      });

      it('byte ranges tile the data section without gaps or overlap; summary.bytes = file size minus header', () => {
        const chunks = byIndex();
        assert.equal(chunks[0].byteStart, dataStart);
        for (let k = 1; k < chunks.length; k++)
          assert.equal(chunks[k].byteStart, chunks[k - 1].byteEnd, `chunk ${k} starts where ${k - 1} ended`);
        assert.equal(chunks[chunks.length - 1].byteEnd, size);
        for (const c of chunks) assert.equal(c.bytes, c.byteEnd - c.byteStart, `chunk ${c.index} bytes`);
        assert.equal(rep().summary.bytes, size - dataStart);
      });

      it('timestamps are ordered submitted ≤ started ≤ finished ≤ received; derived waits match', () => {
        for (const c of rep().chunks) {
          const at = `chunk ${c.index}: ${JSON.stringify(c)}`;
          assert.ok(c.submittedAt >= 0, at);
          assert.ok(c.submittedAt <= c.startedAt + EPS, at);
          assert.ok(c.startedAt <= c.finishedAt, at);
          assert.ok(c.finishedAt <= c.receivedAt + EPS, at);
          assert.ok(c.receivedAt <= rep().summary.wallMs + EPS, at);
          assert.ok(Math.abs(c.queueWaitMs - (c.startedAt - c.submittedAt)) <= 1e-6 + 1e-9 * c.startedAt, at);
          assert.ok(Math.abs(c.returnMs - (c.receivedAt - c.finishedAt)) <= 1e-6 + 1e-9 * c.receivedAt, at);
        }
      });

      it('read + parse + compute + encode ≤ finished − started, each part ≥ 0', () => {
        for (const c of rep().chunks) {
          for (const k of ['readMs', 'parseMs', 'computeMs', 'encodeMs'] as const)
            assert.ok(c[k] >= 0, `chunk ${c.index} ${k} = ${c[k]}`);
          const parts = c.readMs + c.parseMs + c.computeMs + c.encodeMs;
          assert.ok(
            parts <= c.finishedAt - c.startedAt + EPS,
            `chunk ${c.index}: parts ${parts} > span ${c.finishedAt - c.startedAt}`,
          );
        }
      });

      it('workerIds are real thread ids; with 2 workers both take chunks', () => {
        const ids = new Set(rep().chunks.map((c) => c.workerId));
        for (const id of ids) assert.ok(Number.isInteger(id) && id > 0, `workerId ${id}`);
        assert.equal(ids.size, 2, `distinct workers: ${[...ids].join(', ')}`);
      });

      it('the summary is consistent with the records', () => {
        const s = rep().summary;
        const chunks = rep().chunks;
        const sum = (f: (c: ChunkRecord) => number) => chunks.reduce((a, c) => a + f(c), 0);
        assert.equal(s.strategy, strategy);
        assert.equal(s.format, 'csv');
        assert.equal(s.workers, 2);
        assert.equal(s.rows, ROWS);
        assert.equal(s.skippedRows, 0);
        assert.equal(s.repairedChunks, chunks.filter((c) => c.repaired).length);
        for (const k of ['readMs', 'parseMs', 'computeMs', 'encodeMs'] as const) {
          assert.ok(
            Math.abs(s[k] - sum((c) => c[k])) <= 1e-6 * Math.max(1, s[k]),
            `${k}: ${s[k]} vs ${sum((c) => c[k])}`,
          );
        }
        assert.ok(s.overheadShare >= 0 && s.overheadShare <= 1, `overheadShare ${s.overheadShare}`);
        assert.ok(
          s.wallMs > 0 && s.processingMs > 0 && s.processingMs <= s.wallMs + EPS,
          `wall ${s.wallMs} processing ${s.processingMs}`,
        );
        assert.ok(s.startupMs >= 0 && s.startupMs <= s.wallMs + EPS);
        assert.ok(s.rowsPerSecond > 0 && s.mbPerSecond > 0);
        assert.ok(s.peakRssBytes > 0);
        assert.equal(s.nodeVersion, process.version);
        assert.ok(s.cpus >= 1);
        assert.ok(Math.abs(s.startedAtEpochMs - Date.now()) < 10 * 60_000, 'startedAtEpochMs is an epoch time');
        const ws = s.workerSummaries;
        assert.equal(new Set(ws.map((w) => w.workerId)).size, ws.length, 'one summary per worker');
        assert.deepEqual(
          new Set(ws.filter((w) => w.chunks > 0).map((w) => w.workerId)),
          new Set(chunks.map((c) => c.workerId)),
          'worker summaries cover exactly the workers in the records',
        );
        for (const w of ws) {
          assert.ok(w.busyShare >= 0 && w.busyShare <= 1, `busyShare ${w.busyShare}`);
          assert.equal(w.chunks, chunks.filter((c) => c.workerId === w.workerId).length);
          assert.equal(
            w.rows,
            chunks.filter((c) => c.workerId === w.workerId).reduce((a, c) => a + c.rows, 0),
          );
          assert.ok(
            w.busyMs >= 0 && w.busyMs <= s.processingMs + EPS,
            `busyMs ${w.busyMs} within processing ${s.processingMs}`,
          );
        }
      });

      it('the report round-trips through JSON', () => {
        const r = rep();
        assertPlainJson(r);
        assert.deepEqual(JSON.parse(JSON.stringify(r)), dropUndefined(r));
      });

      it('toChromeTrace: one named track per worker plus main; per-track X slices strictly nested', () => {
        const trace = toChromeTrace(rep()) as { traceEvents: TraceEvent[] };
        assert.ok(Array.isArray(trace.traceEvents));
        JSON.parse(JSON.stringify(trace));
        const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name');
        const workerIds = new Set(rep().chunks.map((c) => c.workerId));
        assert.equal(names.length, workerIds.size + 1, `thread_name events: ${JSON.stringify(names)}`);
        const tids = names.map((e) => `${e.pid}:${e.tid}`);
        assert.equal(new Set(tids).size, names.length, 'one track per thread');
        const labels = names.map((e) => String(e.args?.name ?? ''));
        assert.equal(new Set(labels).size, labels.length, 'track names are distinct');
        assert.ok(labels.every((l) => l.length > 0));
        const slices = trace.traceEvents.filter((e) => e.ph === 'X');
        assert.ok(slices.length >= rep().chunks.length, 'at least one slice per chunk');
        const byTrack = new Map<string, TraceEvent[]>();
        for (const e of slices) {
          assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts), `ts ${e.ts}`);
          assert.ok(typeof e.dur === 'number' && e.dur >= 0, `dur ${e.dur}`);
          const key = `${e.pid}:${e.tid}`;
          assert.ok(tids.includes(key), `slice ${e.name} is on a named track`);
          if (!byTrack.has(key)) byTrack.set(key, []);
          byTrack.get(key)!.push(e);
        }
        assert.ok(byTrack.size >= workerIds.size, 'every worker track has slices');
        // Strict nesting: sorted by start (longer first on ties), each slice either starts after the
        // enclosing one ends, or ends within it. Timestamps are µs; allow 1 µs of rounding.
        const EPS_US = 1;
        for (const [key, list] of byTrack) {
          const sorted = [...list].sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
          const stack: TraceEvent[] = [];
          for (const e of sorted) {
            while (stack.length && stack[stack.length - 1].ts! + stack[stack.length - 1].dur! <= e.ts! + EPS_US)
              stack.pop();
            const top = stack[stack.length - 1];
            if (top) {
              assert.ok(
                e.ts! + e.dur! <= top.ts! + top.dur! + EPS_US,
                `track ${key}: "${e.name}" [${e.ts}, ${e.ts! + e.dur!}] overlaps "${top.name}" [${top.ts}, ${top.ts! + top.dur!}] without nesting`,
              );
            }
            stack.push(e);
          }
        }
      });
    });
  }

  it('defaults: byte-range with one worker per available core', async () => {
    const report = await runDataset({ data, processor: proc });
    assert.equal(report.summary.strategy, 'byte-range');
    assert.equal(report.summary.workers, os.availableParallelism());
    assert.equal(report.summary.rows, ROWS);
  });

  it('JSON Lines records: format jsonl, ranges tile the whole file, firstLine = firstRow', async () => {
    let s = '';
    for (let i = 1; i <= 500; i++) s += JSON.stringify({ i, s: `é ${i}\n東` }) + (i % 3 === 0 ? '\r\n' : '\n');
    const file = tmp.write('recs.jsonl', s);
    const fsize = fs.statSync(file).size;
    const report = await runDataset({
      data: file,
      processor: proc,
      strategy: 'byte-range',
      workers: 2,
      chunkBytes: 700,
    });
    assert.equal(report.summary.format, 'jsonl');
    assert.equal(report.summary.rows, 500);
    assert.equal(report.summary.bytes, fsize);
    const chunks = [...report.chunks].sort((a, b) => a.index - b.index);
    assert.ok(chunks.length >= 8);
    assert.equal(chunks[0].byteStart, 0);
    for (let k = 1; k < chunks.length; k++) assert.equal(chunks[k].byteStart, chunks[k - 1].byteEnd);
    assert.equal(chunks[chunks.length - 1].byteEnd, fsize);
    let next = 1;
    for (const c of chunks) {
      assert.equal(c.firstRow, next);
      if (c.rows > 0) assert.equal(c.firstLine, c.firstRow, `chunk ${c.index}`);
      next += c.rows;
    }
    assert.equal(next - 1, 500);
  });

  it('progress events arrive during a run and end at the full row count', async () => {
    const events: { rows: number; bytes: number; totalBytes: number; chunksDone: number }[] = [];
    const report = await runDataset(
      { data, processor: proc, strategy: 'byte-range', workers: 2, chunkBytes: 4000 },
      { onProgress: (p) => events.push(p) },
    );
    assert.ok(events.length >= 1, 'at least one progress event');
    for (let k = 1; k < events.length; k++) {
      assert.ok(events[k].rows >= events[k - 1].rows, 'rows never go back');
      assert.ok(events[k].chunksDone >= events[k - 1].chunksDone, 'chunksDone never goes back');
    }
    for (const e of events) {
      assert.ok([size, size - dataStart].includes(e.totalBytes), `totalBytes ${e.totalBytes} is the file or data size`);
      assert.ok(e.bytes <= e.totalBytes, `bytes ${e.bytes} <= totalBytes ${e.totalBytes}`);
      assert.ok(e.rows <= ROWS && e.chunksDone <= report.chunks.length);
    }
  });
});

// diagnose(): (a) synthetic reports from a small pool simulator, each built to show exactly one
// finding with known numbers, and healthy ones that must show none; (b) real runs on real worker
// threads built to show the findings with strong signals (no speed bars: only orders of magnitude).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { diagnose, runDataset } from '../src/engine';
import type { ChunkRecord, Finding, RunReport, Strategy } from '../src/engine';
import { TempDir, writeProcessor } from './helpers';

// ---- A tiny pool simulator: chunks handed in order to the worker that is ready first --------------

interface SimChunk {
  work: number;
  rows?: number;
  encode?: number;
  repaired?: boolean;
  /** Static assignment (otherwise: the worker that is ready first, lowest id on ties). */
  worker?: number;
}

interface Sim {
  workers: number;
  chunks: SimChunk[];
  strategy?: Strategy;
  /** Worker-side gap between two chunks when the next one is already waiting (result back + next out). */
  handoffMs?: number;
  /** Submit → start when a worker is free. */
  dispatchMs?: number;
  returnMs?: number;
  /** Main-thread time to produce each chunk. */
  produceMs?: number;
  /** Chunk i can only be submitted once chunk i − window has been received (in-order delivery). */
  window?: number;
  startupMs?: number;
  /** Time factor per worker id (2 = that thread runs twice as slowly). */
  slowdown?: Record<number, number>;
  bytesPerRow?: number;
  cpus?: number;
}

// Dyadic default times keep the arithmetic exact, so numbers can be compared with ===.
function simulate(sim: Sim): RunReport {
  const {
    workers,
    handoffMs = 0.25,
    dispatchMs = 0.125,
    returnMs = 0.125,
    produceMs = 0,
    window = Infinity,
    startupMs = 32,
    bytesPerRow = 40,
  } = sim;
  const free = new Map<number, number | undefined>();
  for (let w = 1; w <= workers; w++) free.set(w, undefined);
  const readyAt = (w: number) => (free.get(w) === undefined ? startupMs : free.get(w)! + handoffMs);
  const records: ChunkRecord[] = [];
  const emitted: number[] = [];
  let submit = startupMs;
  let row = 1;
  let byte = 20;
  sim.chunks.forEach((c, i) => {
    if (i > 0) submit += produceMs;
    if (i >= window) submit = Math.max(submit, emitted[i - window]);
    let w = c.worker ?? 1;
    if (c.worker === undefined) for (let k = 2; k <= workers; k++) if (readyAt(k) < readyAt(w)) w = k;
    const startedAt = Math.max(readyAt(w), submit + dispatchMs);
    const dur = c.work * (sim.slowdown?.[w] ?? 1);
    const finishedAt = startedAt + dur;
    free.set(w, finishedAt);
    const rows = c.rows ?? 1000;
    const encodeMs = c.encode ?? 0;
    const readMs = dur / 16;
    const parseMs = dur / 4;
    records.push({
      index: i,
      workerId: w,
      rows,
      firstRow: row,
      firstLine: row + 1,
      bytes: rows * bytesPerRow,
      byteStart: byte,
      byteEnd: byte + rows * bytesPerRow,
      submittedAt: submit,
      startedAt,
      finishedAt,
      receivedAt: finishedAt + returnMs,
      readMs,
      parseMs,
      computeMs: dur - readMs - parseMs - encodeMs,
      encodeMs,
      queueWaitMs: startedAt - submit,
      returnMs,
      repaired: c.repaired ?? false,
      skipped: 0,
      resultBytes: encodeMs > 0 ? rows * 50 : 0,
    });
    emitted.push(Math.max(finishedAt + returnMs, emitted[i - 1] ?? 0));
    row += rows;
    byte += rows * bytesPerRow;
  });
  return reportOf(sim, records, startupMs);
}

/** The summary as records.ts computes it. */
function reportOf(sim: Sim, records: ChunkRecord[], startupMs: number): RunReport {
  const processingMs = Math.max(...records.map((r) => r.receivedAt)) - startupMs;
  const per = new Map<number, { workerId: number; chunks: number; rows: number; busyMs: number; busyShare: number }>();
  for (const r of records) {
    const w = per.get(r.workerId) ?? { workerId: r.workerId, chunks: 0, rows: 0, busyMs: 0, busyShare: 0 };
    w.chunks++;
    w.rows += r.rows;
    w.busyMs += r.finishedAt - r.startedAt;
    per.set(r.workerId, w);
  }
  const workerSummaries = [...per.values()].sort((a, b) => a.workerId - b.workerId);
  for (const w of workerSummaries) w.busyShare = Math.min(1, w.busyMs / processingMs);
  const total = (f: (r: ChunkRecord) => number) => records.reduce((n, r) => n + f(r), 0);
  const rows = total((r) => r.rows);
  const bytes = total((r) => r.bytes);
  const workerTime = sim.workers * processingMs;
  const useful = total((r) => r.readMs + r.parseMs + r.computeMs);
  const wallMs = startupMs + processingMs + 1;
  return {
    summary: {
      data: '/data.csv',
      processor: '/proc.js',
      format: 'csv',
      strategy: sim.strategy ?? 'byte-range',
      workers: sim.workers,
      rows,
      bytes,
      chunks: records.length,
      repairedChunks: records.filter((r) => r.repaired).length,
      skippedRows: 0,
      wallMs,
      startupMs,
      processingMs,
      rowsPerSecond: rows / (processingMs / 1000),
      mbPerSecond: bytes / 1e6 / (processingMs / 1000),
      readMs: total((r) => r.readMs),
      parseMs: total((r) => r.parseMs),
      computeMs: total((r) => r.computeMs),
      encodeMs: total((r) => r.encodeMs),
      overheadShare: Math.max(0, 1 - useful / workerTime),
      idleShare: Math.max(0, 1 - total((r) => r.finishedAt - r.startedAt) / workerTime),
      workerSummaries,
      peakRssBytes: 200e6,
      nodeVersion: 'v20',
      cpus: sim.cpus ?? sim.workers,
      startedAtEpochMs: 0,
    },
    chunks: records,
    errors: [],
    hasResult: false,
    mainPhases: [{ name: 'startup: threads, processor load, setup()', start: 0, end: startupMs }],
    warnings: [],
  };
}

const many = (n: number, f: (i: number) => SimChunk): SimChunk[] => Array.from({ length: n }, (_, i) => f(i));
const ids = (fs: Finding[]) => fs.map((f) => f.id);
function only(findings: Finding[], id: string): Finding {
  assert.deepEqual(ids(findings), [id], JSON.stringify(findings, null, 1));
  return findings[0];
}
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

// ---- (a) synthetic reports ----------------------------------------------------------------------

describe('diagnose() on synthetic reports', () => {
  describe('healthy runs: no findings', () => {
    it('2 workers, 40 chunks of 32–35 ms, pipelined (queue waits ≈ a chunk, which is not overhead)', () => {
      const r = simulate({ workers: 2, window: 4, chunks: many(40, (i) => ({ work: 32 + (i % 4) })) });
      assert.ok(Math.min(...r.chunks.slice(4).map((c) => c.queueWaitMs)) > 10, 'chunks do wait in the queue');
      assert.deepEqual(diagnose(r), []);
    });
    it('4 workers, 200 chunks of 50 ms', () => {
      assert.deepEqual(
        diagnose(simulate({ workers: 4, window: 8, chunks: many(200, () => ({ work: 50, rows: 5000 })) })),
        [],
      );
    });
    it('per-row with 5 ms of work per row: the main thread keeps up', () => {
      assert.deepEqual(
        diagnose(
          simulate({ workers: 2, strategy: 'per-row', window: 32, chunks: many(200, () => ({ work: 5, rows: 1 })) }),
        ),
        [],
      );
    });
    it('a slow chunk that costs nothing: the other worker kept working and both ended together', () => {
      const r = simulate({ workers: 2, chunks: many(400, (i) => ({ work: i === 0 ? 1024 : 8 })) });
      assert.deepEqual(diagnose(r), []);
    });
    it('an empty report', () => {
      const r = simulate({ workers: 2, chunks: [{ work: 1 }] });
      assert.deepEqual(diagnose({ ...r, chunks: [] }), []);
    });
  });

  it('main-thread-bottleneck: batches produced every 2 ms, 0.5 ms of work each', () => {
    const r = simulate({
      workers: 2,
      strategy: 'batches',
      produceMs: 2,
      dispatchMs: 0.0625,
      chunks: many(200, () => ({ work: 0.5 })),
    });
    const f = only(diagnose(r), 'main-thread-bottleneck');
    assert.equal(f.severity, 'warning');
    assert.equal(f.numbers.medianGapMs, 3.5);
    assert.equal(f.numbers.medianChunkMs, 0.5);
    assert.equal(f.numbers.idleShare, r.summary.idleShare);
    close(f.numbers.gapShare, (198 * 3.5) / (2 * r.summary.processingMs), 'gap share');
    close(f.numbers.starvedShare, (198 * 3.4375) / (2 * r.summary.processingMs), 'starved share');
    close(f.numbers.workerRowsPerSecond, (200_000 / (100 / 2)) * 1000, 'worker rows/s');
    assert.match(f.suggestion!, /--strategy byte-range/);
    assert.match(f.detail, /median gap 3\.50 ms against a median 500 µs of work/);
    assert.match(f.detail, /batches/);
  });

  it('no main-thread-bottleneck for the same timeline under byte-range (the main thread does not split there)', () => {
    const r = simulate({
      workers: 2,
      strategy: 'byte-range',
      produceMs: 2,
      dispatchMs: 0.0625,
      chunks: many(200, () => ({ work: 0.5 })),
    });
    assert.deepEqual(diagnose(r), []);
  });

  it('chunks-too-small: 0.25 ms of work against a 0.25 ms hand-off, with a size computed for ≤ 5 % overhead', () => {
    const r = simulate({ workers: 2, window: 4, chunks: many(400, () => ({ work: 0.25, rows: 100 })) });
    const f = only(diagnose(r), 'chunks-too-small');
    assert.equal(f.numbers.medianHandoffMs, 0.25);
    assert.equal(f.numbers.perChunkOverheadMs, 0.25);
    assert.equal(f.numbers.medianWorkMs, 0.25);
    assert.equal(f.numbers.overheadShare, 0.5);
    assert.equal(f.numbers.perRowMs, 0.0025);
    // 0.25 / (0.25 + n × 0.0025) ≤ 0.05  ⇔  n ≥ 1900 rows, 76,000 bytes at 40 bytes per row.
    assert.equal(f.numbers.minChunkRows, 1900);
    assert.equal(f.numbers.suggestedChunkRows, 1900);
    assert.equal(f.numbers.suggestedChunkBytes, 76_000);
    assert.equal(f.suggestion, 'Try --chunk-bytes 76000 (about 1,900 rows) or more.');
    assert.match(f.detail, /median 250 µs of fixed overhead/);
    assert.match(f.title, /50 %/);
  });

  it("chunks-too-small when workers hold their next chunks (no hand-off gap): the main thread's work per chunk is the overhead", () => {
    const r = simulate({ workers: 2, window: 4, handoffMs: 0, chunks: many(400, () => ({ work: 0.25, rows: 100 })) });
    assert.equal(
      diagnose(r).find((f) => f.id === 'chunks-too-small'),
      undefined,
      'no gap and no main-thread figure: nothing to see',
    );
    r.summary.mainBusyMs = 0.25 * r.summary.chunks;
    const f = only(diagnose(r), 'chunks-too-small');
    assert.equal(f.numbers.medianHandoffMs, 0);
    assert.equal(f.numbers.mainMsPerChunk, 0.25);
    assert.equal(f.numbers.overheadShare, 0.5);
    assert.equal(f.numbers.suggestedChunkRows, 1900);
    assert.match(f.detail, /plus 250 µs of the main thread's work per chunk/);
  });

  it('chunks-too-small under adaptive sizing judges only the chunks planned after the search settled', () => {
    // 200 ramp chunks of 0.25 ms (as small as in the test above), then 200 settled ones of 16 ms.
    const r = simulate({
      workers: 2,
      window: 4,
      chunks: many(400, (i) => (i < 200 ? { work: 0.25, rows: 100 } : { work: 16, rows: 6400 })),
    });
    r.summary.chunking = 'auto';
    r.summary.chunkSizes = [
      { atChunk: 0, bytes: 4000, reason: 'start: 3.9 KiB, small so that every worker gets work at once' },
      {
        atChunk: 200,
        bytes: 256_000,
        reason: 'settled at 250 KiB: the hand-off between chunks is 1.5 % of worker time (target 3 %)',
      },
    ];
    assert.equal(
      diagnose(r).find((f) => f.id === 'chunks-too-small'),
      undefined,
    );
    // The same run with the search still growing at the end: no verdict on a size nobody chose.
    r.summary.chunkSizes = [
      { atChunk: 0, bytes: 4000, reason: 'start: 3.9 KiB, small so that every worker gets work at once' },
    ];
    assert.equal(
      diagnose(r).find((f) => f.id === 'chunks-too-small'),
      undefined,
    );
    // Settled on small chunks: the warning stands, from the settled chunks' numbers.
    const small = simulate({ workers: 2, window: 4, chunks: many(400, () => ({ work: 0.25, rows: 100 })) });
    small.summary.chunking = 'auto';
    small.summary.chunkSizes = [
      { atChunk: 0, bytes: 4000, reason: 'start: 3.9 KiB' },
      { atChunk: 100, bytes: 4000, reason: 'settled at 3.9 KiB: doubling would pass the 1000 ms a chunk may take' },
      { atChunk: 390, bytes: 1000, reason: 'tail: 10 KiB left' },
    ];
    assert.equal(only(diagnose(small), 'chunks-too-small').numbers.overheadShare, 0.5);
  });

  it('straggler in mid-run: chunk 25 holds the in-order window while the other worker idles', () => {
    const r = simulate({ workers: 2, window: 4, chunks: many(40, (i) => ({ work: i === 25 ? 1024 : 8, rows: 2000 })) });
    const f = only(diagnose(r), 'straggler');
    const c = r.chunks[25];
    assert.deepEqual(f.chunks, [25]);
    assert.equal(f.numbers.firstRow, 50_001);
    assert.equal(f.numbers.lastRow, 52_000);
    assert.equal(f.numbers.byteStart, c.byteStart);
    assert.equal(f.numbers.byteEnd, c.byteEnd);
    assert.equal(f.numbers.workerId, c.workerId);
    assert.equal(f.numbers.durationMs, 1024);
    assert.equal(f.numbers.medianMs, 8);
    assert.equal(f.numbers.ratio, 128);
    // The other worker ran what the window allowed, then waited for chunk 25.
    const other = r.chunks.filter((o) => o.workerId !== c.workerId);
    const covered = other.reduce(
      (n, o) => n + Math.max(0, Math.min(o.finishedAt, c.finishedAt) - Math.max(o.startedAt, c.startedAt)),
      0,
    );
    assert.equal(f.numbers.othersIdleMs, 1024 - covered);
    assert.ok(f.numbers.othersIdleMs > 900);
    assert.match(f.title, /^Chunk 25 \(rows 50,001–52,000\) took 128× the median chunk/);
    assert.match(
      f.detail,
      new RegExp(
        `bytes ${c.byteStart.toLocaleString('en-US')}–${c.byteEnd.toLocaleString('en-US')}\\) ran on worker ${c.workerId} for 1\\.02 s`,
      ),
    );
    assert.match(f.detail, /input order/);
    assert.match(f.suggestion!, /Rows 50,001–52,000 cost 128× the usual time per row/);
  });

  it("straggler at the end: the run's end waited for it", () => {
    const r = simulate({ workers: 2, window: 4, chunks: many(40, (i) => ({ work: i === 39 ? 1024 : 8, rows: 2000 })) });
    const f = only(diagnose(r), 'straggler');
    assert.deepEqual(f.chunks, [39]);
    assert.match(f.detail, /the run's end waited for it/);
  });

  it('uneven-workers: statically assigned chunks, worker 2 runs twice as slowly', () => {
    const r = simulate({
      workers: 2,
      chunks: many(100, (i) => ({ work: 10, worker: (i % 2) + 1 })),
      slowdown: { 2: 2 },
    });
    const f = only(diagnose(r), 'uneven-workers');
    assert.equal(f.numbers.busiestWorker, 2);
    assert.equal(f.numbers.idlestWorker, 1);
    assert.equal(f.numbers.busyDiffMs, 500);
    assert.equal(f.numbers.slowestRowRatio, 2);
    close(f.numbers.spread, 500 / r.summary.processingMs, 'spread');
    assert.match(f.suggestion!, /Worker 2 needed 2\.0× the time per row of worker 1/);
  });

  it('throughput-decline: 100,000 rows/s per chunk early, 40,000 late, on both workers', () => {
    const work = (i: number) => (i < 20 ? 64 : i < 40 ? 96 : 160);
    const r = simulate({ workers: 2, window: 4, chunks: many(60, (i) => ({ work: work(i), rows: 6400 })) });
    const f = only(diagnose(r), 'throughput-decline');
    assert.equal(f.numbers.earlyRowsPerSecond, 100_000);
    assert.equal(f.numbers.lateRowsPerSecond, 40_000);
    assert.equal(f.numbers.decline, 0.6);
    assert.equal(f.numbers.workers, 2);
    assert.equal(f.numbers.lostMs, 20 * 96);
    assert.match(f.suggestion!, /garbage-collection or memory pressure/);
  });

  it('repaired-chunks (info): two wrong speculative starts and their cost', () => {
    const r = simulate({
      workers: 2,
      window: 4,
      chunks: many(40, (i) => ({ work: 32, repaired: i === 3 || i === 7 })),
    });
    const f = only(diagnose(r), 'repaired-chunks');
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.chunks, [3, 7]);
    assert.equal(f.numbers.repairedChunks, 2);
    assert.equal(f.numbers.repairMs, 64);
    assert.equal(f.numbers.share, 64 / (40 * 32));
  });

  it('startup-dominates (info): 256 ms of start-up before 32 ms of processing', () => {
    const r = simulate({ workers: 2, startupMs: 256, chunks: many(8, () => ({ work: 8 })) });
    const f = only(diagnose(r), 'startup-dominates');
    assert.equal(f.severity, 'info');
    assert.equal(f.numbers.startupMs, 256);
    assert.equal(f.numbers.share, 256 / r.summary.wallMs);
    assert.match(f.suggestion!, /--workers 1/);
  });

  it('result-encoding-heavy: half of each chunk spent encoding results', () => {
    const r = simulate({ workers: 2, window: 4, chunks: many(40, () => ({ work: 32, encode: 16 })) });
    const f = only(diagnose(r), 'result-encoding-heavy');
    assert.equal(f.numbers.encodeMs, 640);
    assert.equal(f.numbers.share, 0.5);
  });

  it('too-few-chunks: 2 chunks for 4 workers', () => {
    const r = simulate({ workers: 4, chunks: many(2, () => ({ work: 1024, rows: 8000 })) });
    const f = only(diagnose(r), 'too-few-chunks');
    assert.equal(f.numbers.suggestedChunkRows, 1000);
    assert.equal(f.numbers.suggestedChunkBytes, 40_000);
    assert.equal(f.suggestion, 'Split into about 16 chunks: try --chunk-bytes 40000 (about 1,000 rows).');
  });

  it('is pure and deterministic: same findings twice, the report untouched', () => {
    const r = simulate({ workers: 2, window: 4, chunks: many(40, (i) => ({ work: i === 25 ? 1024 : 8 })) });
    const before = JSON.stringify(r);
    assert.deepEqual(diagnose(r), diagnose(JSON.parse(before) as RunReport));
    assert.equal(JSON.stringify(r), before);
  });
});

// ---- (b) real runs --------------------------------------------------------------------------------

/** Fixed-width rows, so byte offsets and row numbers line up exactly. */
function writeCsv(tmp: TempDir, rows: number, slow?: (i: number) => boolean): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const lines = ['id,name,value,flag'];
  for (let i = 1; i <= rows; i++)
    lines.push(`${pad(i, 7)},name_${pad(i, 7)}_abcdefghij,${pad((i * 7919) % 1000, 4)},${slow?.(i) ? 'SLOW' : 'okay'}`);
  return tmp.write('data.csv', lines.join('\n') + '\n');
}

const warnings = (fs: Finding[]) => fs.filter((f) => f.severity === 'warning');

describe('diagnose() on real runs', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let trivial: string;
  before(() => {
    tmp = new TempDir('chunkscope-diagnosis-');
    trivial = writeProcessor(tmp, 'trivial.js', 'exports.processRow = (row) => row.value.length;\n');
  });
  after(() => tmp.dispose());

  it('per-row on 20,000 rows: the main thread is the bottleneck', async () => {
    const report = await runDataset({
      data: writeCsv(tmp, 20_000),
      processor: trivial,
      strategy: 'per-row',
      workers: 2,
    });
    const findings = diagnose(report);
    const main = findings.find((f) => f.id === 'main-thread-bottleneck');
    assert.ok(main, JSON.stringify(findings, null, 1));
    assert.ok(main.numbers.idleShare >= 0.5 && main.numbers.medianGapMs >= main.numbers.medianChunkMs);
    assert.match(main.suggestion!, /byte-range/);
    assert.ok(!ids(findings).includes('straggler'));
  });

  it('byte-range with 2 KB chunks: chunks too small, with a bigger size suggested', async () => {
    const report = await runDataset({
      data: writeCsv(tmp, 40_000),
      processor: trivial,
      strategy: 'byte-range',
      workers: 2,
      chunkBytes: 2048,
    });
    const findings = diagnose(report);
    const small = findings.find((f) => f.id === 'chunks-too-small');
    assert.ok(small, JSON.stringify(findings, null, 1));
    assert.ok(small.numbers.suggestedChunkRows > small.numbers.medianRows * 4, JSON.stringify(small.numbers));
    assert.match(small.suggestion!, /--chunk-bytes \d+/);
    assert.ok(!ids(findings).includes('main-thread-bottleneck'));
  });

  it('200 slow rows (7 ms each): a straggler naming the chunk that holds them', async () => {
    const slowFrom = 10_501;
    const slowTo = 10_700;
    const data = writeCsv(tmp, 40_000, (i) => i >= slowFrom && i <= slowTo);
    const slow = writeProcessor(
      tmp,
      'slow.js',
      'exports.processRow = (row) => { if (row.flag === "SLOW") { const end = performance.now() + 7; while (performance.now() < end); } return row.value.length; };\n',
    );
    const report = await runDataset({ data, processor: slow, strategy: 'byte-range', workers: 2, chunkRows: 2000 });
    const holder = report.chunks.find((c) => c.firstRow <= slowFrom && c.firstRow + c.rows - 1 >= slowTo);
    assert.ok(holder, 'one chunk holds all slow rows');
    const findings = diagnose(report);
    const s = findings.find((f) => f.id === 'straggler');
    assert.ok(s, JSON.stringify(findings, null, 1));
    assert.deepEqual(s.chunks, [holder.index]);
    assert.equal(s.numbers.firstRow, holder.firstRow);
    assert.equal(s.numbers.lastRow, holder.firstRow + holder.rows - 1);
    assert.equal(s.numbers.workerId, holder.workerId);
    assert.equal(s.numbers.byteStart, holder.byteStart);
    assert.ok(s.numbers.durationMs >= 1400 && s.numbers.ratio > 3);
    assert.match(s.detail, new RegExp(`Chunk ${holder.index} \\(rows ${holder.firstRow.toLocaleString('en-US')}–`));
  });

  it('healthy byte-range run on ~10 MB with default chunks: no warnings', async () => {
    const data = writeCsv(tmp, 240_000);
    assert.ok(fs.statSync(data).size > 10e6);
    const report = await runDataset({ data, processor: trivial, strategy: 'byte-range', workers: 2 });
    assert.deepEqual(warnings(diagnose(report)), []);
  });
});

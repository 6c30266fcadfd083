// Adaptive chunk sizing (chunking: 'auto'). The controller is pure arithmetic over chunk records, so
// its decisions are checked against worker lanes whose costs follow a stated formula; then real runs
// (real worker threads, real files) check the plumbing: options, the summary's trace, the sizes the
// strategies really cut, identical output to a fixed run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { AdaptiveChunker, type AdaptiveSettings } from '../src/engine/split/adaptive-chunks';
import { formatBytes } from '../src/engine/base/format';
import { runDataset, type RunChunkSizer } from '../src/engine/run/run';
import { DEFAULTS, resolveRunOptions } from '../src/engine/options';
import type { ChunkRecord, RunOptions, RunReport, Strategy } from '../src/engine/model';
import { IDENTITY_PROCESSOR, TempDir, hangGuard, readNdjson, writeProcessor } from './helpers';

const KIB = 1024;
const MIB = 1024 * 1024;

/** The defaults, but without the warm-up and the minimum chunk time unless a test asks for them: most tests check the other rules. */
function settings(over: Partial<AdaptiveSettings> & { dataEnd: number }): AdaptiveSettings {
  return {
    ...DEFAULTS.adaptive,
    workers: 2,
    dataStart: 0,
    meanRowBytes: 100,
    minChunkMs: 0,
    warmupMsPerWorker: 0,
    ...over,
  };
}

interface Lanes {
  /** Worker time a chunk of this many bytes takes (ms). */
  busyMs: (bytes: number, chunk: number) => number;
  /** Idle time on a worker lane before each chunk: the hand-off (ms). */
  gapMs: number;
  /** The main thread's work per chunk (ms), as the executor measures it. */
  mainMs?: number;
}

/**
 * Drives a chunker like the executor does: up to 2 chunks per worker planned ahead, each chunk run on
 * the lane that frees first, records fed back in input order. Returns every planned budget.
 */
function drive(chunker: AdaptiveChunker, s: AdaptiveSettings, lanes: Lanes): number[] {
  const budgets: number[] = [];
  const laneFree = Array.from({ length: s.workers }, () => 0);
  const pending: ChunkRecord[] = [];
  let start = s.dataStart;
  let chunk = 0;
  const window = 2 * s.workers;
  const runOne = (bytes: number): ChunkRecord => {
    const lane = laneFree.indexOf(Math.min(...laneFree));
    const startedAt = laneFree[lane] + lanes.gapMs;
    const finishedAt = startedAt + lanes.busyMs(bytes, chunk);
    laneFree[lane] = finishedAt;
    const rows = Math.max(1, Math.round(bytes / s.meanRowBytes));
    return {
      index: chunk,
      workerId: lane + 1,
      rows,
      firstRow: 1,
      firstLine: 1,
      bytes,
      byteStart: start,
      byteEnd: start + bytes,
      submittedAt: 0,
      startedAt,
      finishedAt,
      receivedAt: finishedAt,
      readMs: 0,
      parseMs: 0,
      computeMs: finishedAt - startedAt,
      encodeMs: 0,
      queueWaitMs: 0,
      returnMs: 0,
      repaired: false,
      skipped: 0,
      resultBytes: 0,
    };
  };
  while (start < s.dataEnd || pending.length > 0) {
    while (start < s.dataEnd && pending.length < window) {
      const bytes = Math.min(chunker.plan(chunk, start), s.dataEnd - start);
      budgets.push(bytes);
      pending.push(runOne(bytes));
      start += bytes;
      chunk++;
    }
    chunker.observe(pending.shift()!, lanes.mainMs ?? 0);
  }
  return budgets;
}

describe('adaptive chunking: the controller', () => {
  it('doubles from 64 KiB while the hand-off is over 3 % of worker time, then settles (fixed cost 0.5 ms, 20 ms per MB)', () => {
    // Chunk time = 0.5 ms hand-off + 20 ms/MB: the hand-off share is 28 % at 64 KiB, 4.6 % at 512 KiB, 2.3 % at 1 MiB.
    const s = settings({ dataEnd: 400 * MIB });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, { gapMs: 0.5, busyMs: (b) => (20 * b) / MIB });
    assert.equal(chunker.baseBytes, 1 * MIB);
    const sizes = chunker.trace.map((t) => t.bytes);
    assert.deepEqual(
      sizes.slice(0, 6),
      [64 * KIB, 128 * KIB, 256 * KIB, 512 * KIB, 1 * MIB, 1 * MIB],
      JSON.stringify(chunker.trace, null, 1),
    );
    assert.match(chunker.trace[0].reason, /^start: 64 KiB/);
    assert.match(chunker.trace[1].reason, /^doubled: the hand-off between chunks is 29 % of worker time at 64 KiB/);
    assert.match(
      chunker.trace[5].reason,
      /^settled at 1 MiB: the hand-off between chunks is 2\.\d % of worker time \(target 3\.0 %\)/,
    );
    assert.equal(chunker.trace[0].rows, Math.round((64 * KIB) / 100));
  });

  it('settles back on the cheaper size when doubling makes a byte dearer (per-byte cost rising with chunk size, as garbage collection does)', () => {
    // ms per MiB = 0.5 / MiB-per-chunk + 15 + 10 × MiB-per-chunk: 23.6 at 64 KiB, 20.25 at 128 KiB, 19.5 at 256 KiB, 21 at 512 KiB
    // (the reason says ms per MB of 10^6 bytes: 20.03 and 18.6).
    const s = settings({ dataEnd: 400 * MIB });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, { gapMs: 0.5, busyMs: (b) => (b / MIB) * (15 + (10 * b) / MIB) });
    assert.equal(chunker.baseBytes, 256 * KIB);
    const settle = chunker.trace.find((t) => t.reason.startsWith('settled'))!;
    assert.equal(settle.bytes, 256 * KIB);
    assert.match(settle.reason, /512 KiB chunks cost 20\.03 ms per MB of worker time, 256 KiB chunks 18\.6/);
  });

  it('grows again when a noisy comparison settled it with the hand-off still far over target', () => {
    // The first 12 chunks at 256 KiB are slowed 1.6× (another program on the cores), so the first
    // comparison settles at 128 KiB with a 17 % hand-off; re-measured there, growth resumes.
    const s = settings({ dataEnd: 400 * MIB });
    const chunker = new AdaptiveChunker(s);
    let slowed = 0;
    drive(chunker, s, { gapMs: 0.5, busyMs: (b) => ((20 * b) / MIB) * (b === 256 * KIB && slowed++ < 12 ? 1.6 : 1) });
    const reasons = chunker.trace.map((t) => `${t.bytes / KIB} KiB ${t.reason.split(':')[0]}`);
    assert.ok(reasons.includes('128 KiB settled at 128 KiB'), reasons.join('\n'));
    assert.ok(reasons.includes('256 KiB growing again'), reasons.join('\n'));
    assert.equal(chunker.baseBytes, 1 * MIB, reasons.join('\n'));
  });

  it('tries growing again at most twice when bigger chunks really are dearer', () => {
    const s = settings({ dataEnd: 400 * MIB });
    const chunker = new AdaptiveChunker(s);
    // As above: per-byte cost rises with chunk size, and the hand-off at 256 KiB is ~10 %.
    drive(chunker, s, { gapMs: 0.5, busyMs: (b) => (b / MIB) * (15 + (10 * b) / MIB) });
    assert.equal(chunker.trace.filter((t) => t.reason.startsWith('growing again')).length, 2);
    assert.equal(chunker.baseBytes, 256 * KIB);
  });

  it("counts the main thread's work per chunk with the hand-off: no lane gap (a worker holds its next chunk) but 0.5 ms of main-thread work grows as a 0.5 ms gap does", () => {
    const s = settings({ dataEnd: 400 * MIB });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, { gapMs: 0, mainMs: 0.5, busyMs: (b) => (20 * b) / MIB });
    assert.equal(chunker.baseBytes, 1 * MIB, JSON.stringify(chunker.trace, null, 1));
    // Without it the hand-off is 0 % and the run settles at the first size.
    const blind = new AdaptiveChunker(s);
    drive(blind, s, { gapMs: 0, busyMs: (b) => (20 * b) / MIB });
    assert.equal(blind.baseBytes, 64 * KIB);
  });

  it('doubles chunks shorter than minChunkMs whatever a noisy comparison says', () => {
    // 128 KiB chunks measured 1.3× dearer per byte than 64 KiB ones (noise): without the minimum the
    // run settles at 64 KiB; with a 5 ms minimum it grows to 256 KiB (5.1 ms) before any comparison counts.
    const lanes: Lanes = { gapMs: 0.5, busyMs: (b) => ((20 * b) / MIB) * (b === 128 * KIB ? 1.3 : 1) };
    const plain = settings({ dataEnd: 400 * MIB });
    const noisy = new AdaptiveChunker(plain);
    drive(noisy, plain, lanes);
    assert.equal(
      noisy.trace.find((t) => t.reason.startsWith('settled'))?.bytes,
      64 * KIB,
      JSON.stringify(noisy.trace, null, 1),
    );
    const s = settings({ dataEnd: 400 * MIB, minChunkMs: 5 });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, lanes);
    assert.match(chunker.trace[1].reason, /^doubled: chunks took 1\.3 ms at 64 KiB, under the 5 ms/);
    assert.match(chunker.trace[2].reason, /^doubled: chunks took 3\.3 ms at 128 KiB, under the 5 ms/);
    assert.ok(chunker.baseBytes >= 256 * KIB, JSON.stringify(chunker.trace, null, 1));
  });

  it('grows short chunks during the warm-up too, so a fast processor leaves 64 KiB within a few chunks', () => {
    const s = settings({ dataEnd: 400 * MIB, minChunkMs: 5, warmupMsPerWorker: 100 });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, { gapMs: 0.2, busyMs: (b) => (5 * b) / MIB });
    // 64 KiB takes 0.3 ms: a 100 ms warm-up would hold it for ~300 chunks per worker.
    assert.match(chunker.trace[1].reason, /^doubled: chunks took 0\.3 ms at 64 KiB/);
    assert.ok(chunker.trace[1].atChunk <= 12, JSON.stringify(chunker.trace, null, 1));
    assert.ok(chunker.baseBytes >= 1 * MIB, JSON.stringify(chunker.trace, null, 1));
  });

  it('grows short chunks as soon as the latest few are short, however slow the cold first ones were', () => {
    // Two workers; the first 16 chunks run cold (12 ms at 64 KiB), then 1.2 ms. Judged on every
    // chunk of the size, the cold ones held the mean over 5 ms until chunk ~40; on the latest six
    // (3 per worker), 64 KiB doubles within a few chunks of the code being compiled.
    const s = settings({ workers: 2, dataEnd: 400 * MIB, minChunkMs: 5, warmupMsPerWorker: 100 });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, { gapMs: 0.2, busyMs: (b, chunk) => ((chunk < 16 ? 190 : 19) * b) / MIB });
    assert.match(chunker.trace[1].reason, /^doubled: chunks took [\d.]+ ms at 64 KiB, under the 5 ms/);
    assert.ok(chunker.trace[1].atChunk <= 16 + 8, JSON.stringify(chunker.trace, null, 1));
  });

  it('judges no chunk of a worker until it has been busy warmupMsPerWorker (cold code looks dear)', () => {
    // Each lane's first 60 ms of chunks run 16× slower (code not yet compiled): judged at once, the
    // 0.5 ms hand-off looks like 2.4 % of a cold 64 KiB chunk and the run settles there.
    const coldLanes = (): Lanes => {
      const busySoFar = new Map<number, number>();
      let lane = 0;
      return {
        gapMs: 0.5,
        busyMs: (b) => {
          lane = (lane + 1) % 2;
          const soFar = busySoFar.get(lane) ?? 0;
          const ms = ((20 * b) / MIB) * (soFar < 60 ? 16 : 1);
          busySoFar.set(lane, soFar + ms);
          return ms;
        },
      };
    };
    const eager = settings({ dataEnd: 400 * MIB });
    const hasty = new AdaptiveChunker(eager);
    drive(hasty, eager, coldLanes());
    assert.match(
      hasty.trace[1].reason,
      /^settled at 64 KiB: the hand-off between chunks is 2\.4 %/,
      JSON.stringify(hasty.trace, null, 1),
    );
    const s = settings({ dataEnd: 400 * MIB, warmupMsPerWorker: 100 });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, coldLanes());
    assert.match(
      chunker.trace[1].reason,
      /^doubled: the hand-off between chunks is 29 % of worker time at 64 KiB/,
      JSON.stringify(chunker.trace, null, 1),
    );
    assert.ok(!chunker.trace.some((t) => t.reason.startsWith('growing again')), JSON.stringify(chunker.trace, null, 1));
    assert.equal(chunker.baseBytes, 1 * MIB, JSON.stringify(chunker.trace, null, 1));
  });

  it('one disturbed chunk at a size does not stop the growth (sizes are judged by medians)', () => {
    const s = settings({ dataEnd: 400 * MIB });
    const chunker = new AdaptiveChunker(s);
    // Chunk 20 (of the 256 KiB level) takes 50× its normal time.
    drive(chunker, s, { gapMs: 0.5, busyMs: (b, chunk) => ((20 * b) / MIB) * (chunk === 20 ? 50 : 1) });
    assert.equal(chunker.baseBytes, 1 * MIB);
  });

  it("the last chunks shrink so that each is at most 1/4 of a worker's share of the bytes left, down to an eighth of the size", () => {
    const s = settings({ dataEnd: 50 * MIB });
    const chunker = new AdaptiveChunker(s);
    const budgets = drive(chunker, s, { gapMs: 0.5, busyMs: (b) => (20 * b) / MIB });
    const base = chunker.baseBytes;
    assert.equal(
      budgets.reduce((a, b) => a + b, 0),
      50 * MIB,
    );
    let left = 50 * MIB;
    for (const b of budgets) {
      const cap = Math.max(Math.ceil(left / (s.workers * 4)), base / 8);
      assert.ok(
        b <= Math.max(cap, Math.min(left, s.minBytes)) || b === left,
        `budget ${b} with ${left} left (cap ${cap})`,
      );
      left -= b;
    }
    const last = budgets.slice(-3);
    assert.ok(
      last.every((b) => b <= base / 4),
      `last budgets ${last} vs base ${base}`,
    );
    assert.ok(chunker.trace.some((t) => t.reason.startsWith('tail:')));
  });

  it('a small file is split into 4 chunks per worker from the start', () => {
    const s = settings({ dataEnd: 100 * KIB });
    const chunker = new AdaptiveChunker(s);
    assert.equal(chunker.plan(0, 0), Math.ceil((100 * KIB) / 8));
    assert.match(chunker.trace[0].reason, /^start: 100 KiB of data split into 4 chunks per worker/);
  });

  it('halves a given start size whose chunks take longer than the 1 s cap, until they do not', () => {
    // 400 ms per MB: an 8 MiB chunk takes 3.2 s; the cap allows 2 MiB (0.8 s).
    const s = settings({ dataEnd: 2000 * MIB, startBytes: 8 * MIB });
    const chunker = new AdaptiveChunker(s);
    drive(chunker, s, { gapMs: 0.5, busyMs: (b) => (400 * b) / MIB });
    assert.equal(chunker.baseBytes, 2 * MIB);
    assert.deepEqual(
      chunker.trace.filter((t) => t.reason.startsWith('halved')).map((t) => t.bytes),
      [4 * MIB, 2 * MIB],
    );
  });

  it('decides the same sizes for the same measurements', () => {
    const s = settings({ dataEnd: 80 * MIB });
    const lanes: Lanes = { gapMs: 0.3, busyMs: (b, chunk) => ((17 + (chunk % 5)) * b) / MIB };
    const a = new AdaptiveChunker(s);
    const b = new AdaptiveChunker(s);
    assert.deepEqual(drive(a, s, lanes), drive(b, s, lanes));
    assert.deepEqual(a.trace, b.trace);
  });

  it('rejects settings that cannot plan a chunk, naming them', () => {
    assert.throws(
      () => new AdaptiveChunker(settings({ dataEnd: 10, workers: 0 })),
      /Adaptive chunking: invalid settings .*"workers":0/,
    );
    assert.throws(() => new AdaptiveChunker(settings({ dataEnd: 10, minBytes: 10, maxBytes: 5 })), /invalid settings/);
  });

  it('formats sizes for its reasons', () => {
    assert.equal(formatBytes(900), '900 B');
    assert.equal(formatBytes(64 * KIB), '64 KiB');
    assert.equal(formatBytes(1.5 * MIB), '1.5 MiB');
  });
});

describe('adaptive chunking: options', () => {
  const base = { data: 'd.csv', processor: 'p.js' };
  it("is 'auto' when no size is given, 'fixed' with a size, and a size with 'auto' is the start", () => {
    assert.equal(resolveRunOptions(base).chunking, 'auto');
    assert.equal(resolveRunOptions({ ...base, chunkRows: 500 }).chunking, 'fixed');
    assert.equal(resolveRunOptions({ ...base, chunkBytes: 4096 }).chunking, 'fixed');
    assert.equal(resolveRunOptions({ ...base, chunkBytes: 4096, chunking: 'auto' }).chunking, 'auto');
    assert.equal(resolveRunOptions({ ...base, chunking: 'fixed' }).chunking, 'fixed');
  });
  it("per-row is always 'fixed': one row per task", () => {
    assert.equal(resolveRunOptions({ ...base, strategy: 'per-row' }).chunking, 'fixed');
    assert.equal(resolveRunOptions({ ...base, strategy: 'per-row', chunking: 'auto' }).chunking, 'fixed');
  });
  it('a wrong value is a usage error that names it', () => {
    assert.throws(
      () => resolveRunOptions({ ...base, chunking: 'adaptive' as never }),
      (e: Error & { code?: string }) =>
        e.code === 'usage' && /chunking must be auto or fixed, got "adaptive"/.test(e.message),
    );
  });
});

describe('adaptive chunking: real runs', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let identity: string;
  let data: string;
  let text: string;
  before(() => {
    tmp = new TempDir('chunkscope-adaptive-');
    identity = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
    // About 1.4 MB: enough chunks at 64 KiB to grow and to reach the tail; rows of varying length, some quoted.
    const lines = ['id,name,x,y'];
    for (let i = 0; i < 30_000; i++)
      lines.push(
        `${i},${i % 11 === 0 ? `"Novak, ${'J'.repeat(i % 23)}"` : `name${i}`},${(i * 0.37).toFixed(3)},${i % 97}`,
      );
    text = lines.join('\n') + '\n';
    data = tmp.write('rows.csv', text);
  });
  after(() => tmp.dispose());

  async function run(
    options: Partial<RunOptions>,
    chunkSizer?: RunChunkSizer,
  ): Promise<{ rows: unknown[]; report: RunReport }> {
    const out = tmp.path('out.ndjson');
    const report = await hangGuard(
      runDataset({ data, processor: identity, workers: 2, out, ...options }, { chunkSizer }),
      `run ${JSON.stringify(options)}`,
    );
    const rows = readNdjson(out);
    fs.rmSync(out);
    return { rows, report };
  }

  let fixedRows: unknown[];
  before(async () => {
    fixedRows = (await run({ chunkRows: 1000 })).rows;
    assert.equal(fixedRows.length, 30_000);
  });

  for (const strategy of ['byte-range', 'batches', 'shared-columns'] as Strategy[]) {
    it(`${strategy}, default options: chunking 'auto', a trace that starts at chunk 0, the same rows as a fixed run`, async () => {
      const { rows, report } = await run({ strategy });
      assert.deepEqual(rows, fixedRows);
      const { summary } = report;
      assert.equal(summary.chunking, 'auto');
      assert.ok(summary.chunkSizes && summary.chunkSizes.length >= 1);
      assert.equal(summary.chunkSizes[0].atChunk, 0);
      assert.equal(summary.chunkSizes[0].bytes, DEFAULTS.adaptive.startBytes);
      for (let k = 1; k < summary.chunkSizes.length; k++)
        assert.ok(summary.chunkSizes[k].atChunk > summary.chunkSizes[k - 1].atChunk);
      for (const c of summary.chunkSizes)
        assert.ok(c.reason.length > 0 && c.bytes >= 1 && (c.rows ?? 1) >= 1, JSON.stringify(c));
      // The tail is always cut smaller than the body.
      const sizes = report.chunks.slice(0, -1).map((c) => c.bytes);
      assert.ok(Math.min(...sizes.slice(-3)) < Math.max(...sizes), `sizes ${sizes}`);
    });
  }

  it("a size with chunking 'auto' is where it starts; a size alone stays fixed with no trace", async () => {
    const auto = await run({ chunkBytes: 20_000, chunking: 'auto' });
    assert.equal(auto.report.summary.chunkSizes![0].bytes, 20_000);
    assert.deepEqual(auto.rows, fixedRows);
    const fixed = await run({ chunkBytes: 20_000 });
    assert.equal(fixed.report.summary.chunking, 'fixed');
    assert.equal(fixed.report.summary.chunkSizes, undefined);
    assert.equal(fixed.report.summary.chunkBytes, 20_000);
  });

  it("per-row stays one row per task and says 'fixed'", async () => {
    const small = tmp.write('small.csv', text.split('\n').slice(0, 301).join('\n') + '\n');
    const out = tmp.path('pr.ndjson');
    const report = await hangGuard(
      runDataset({ data: small, processor: identity, workers: 2, strategy: 'per-row', out }),
      'per-row run',
    );
    assert.equal(report.summary.chunking, 'fixed');
    assert.equal(report.chunks.length, 300);
  });

  /** The real chunker, recording each budget it hands out. */
  function recording(over: Partial<AdaptiveSettings>): {
    sizer: RunChunkSizer;
    budgets: number[];
    chunker: AdaptiveChunker;
  } {
    const size = fs.statSync(data).size;
    const chunker = new AdaptiveChunker(settings({ dataEnd: size, ...over }));
    const budgets: number[] = [];
    const sizer: RunChunkSizer = {
      plan: (chunk, byteStart) => (budgets[chunk] = chunker.plan(chunk, byteStart)),
      observe: (r) => chunker.observe(r),
      trace: chunker.trace,
    };
    return { sizer, budgets, chunker };
  }

  it('batches cut each chunk at the first row that reaches the budget the chunker chose for it, as it changes during the run', async () => {
    // Decides after every 2 chunks and always grows: sizes change many times within this file.
    const { sizer, budgets, chunker } = recording({
      startBytes: 2048,
      minBytes: 512,
      overheadTarget: 0,
      minGain: -1,
      sampleChunksPerWorker: 1,
      sampleMsPerWorker: 0,
    });
    const { rows, report } = await run({ strategy: 'batches' }, sizer);
    assert.deepEqual(rows, fixedRows);
    assert.equal(report.summary.chunking, 'auto');
    assert.deepEqual(report.summary.chunkSizes, chunker.trace);
    assert.ok(new Set(budgets).size >= 4, `budgets ${budgets}`);
    const longestRow = Math.max(...text.split('\n').map((l) => Buffer.byteLength(l) + 1));
    const chunks = [...report.chunks].sort((a, b) => a.index - b.index);
    assert.equal(chunks.length, budgets.length);
    for (const c of chunks.slice(0, -1)) {
      assert.ok(
        c.bytes >= budgets[c.index] && c.bytes < budgets[c.index] + longestRow,
        `chunk ${c.index}: ${c.bytes} bytes for a budget of ${budgets[c.index]}`,
      );
    }
    // Each trace entry names the first chunk planned at its size.
    for (const t of chunker.trace) assert.equal(budgets[t.atChunk], t.bytes, JSON.stringify(t));
  });

  it('shared-columns index ranges follow the budgets too (whole rows, by the exact row index)', async () => {
    const { sizer, budgets } = recording({
      startBytes: 3000,
      minBytes: 512,
      overheadTarget: 0,
      minGain: -1,
      sampleChunksPerWorker: 1,
      sampleMsPerWorker: 0,
    });
    const { rows, report } = await run({ strategy: 'shared-columns' }, sizer);
    assert.deepEqual(rows, fixedRows);
    const longestRow = Math.max(...text.split('\n').map((l) => Buffer.byteLength(l) + 1));
    const chunks = [...report.chunks].sort((a, b) => a.index - b.index);
    assert.ok(new Set(budgets).size >= 4, `budgets ${budgets}`);
    for (const c of chunks.slice(0, -1))
      assert.ok(
        c.bytes >= budgets[c.index] && c.bytes < budgets[c.index] + longestRow,
        `chunk ${c.index}: ${c.bytes} for ${budgets[c.index]}`,
      );
  });

  it('a sizer that returns no usable size fails the run with a message naming the chunk', async () => {
    await assert.rejects(
      run({ strategy: 'byte-range' }, { plan: (chunk) => (chunk === 3 ? 0 : 1000) }),
      /Chunk sizer returned 0 bytes for chunk 3 \(at byte \d+\)/,
    );
  });
});

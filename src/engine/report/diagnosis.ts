// Plain-words diagnosis of a run, computed only from its timing records and summary: what held the
// run back, the numbers behind it, and what to try. Pure and deterministic (same report, same
// findings); a finding is only made when the evidence is strong, so a healthy run gets none.
import type { ChunkRecord, Finding, RunReport, RunSummary, Strategy } from '../model';
import { median as statsMedian } from '../base/stats';
import { chunkDuration, slowChunks, medianRowMs, STRAGGLER_MEDIAN_RATIO, type StragglerInfo } from './derive';
import {
  formatBytes,
  formatInt,
  formatMbPerSecond,
  formatMicros,
  formatMs,
  formatPercent,
  formatRatio,
  formatRows,
} from '../base/format';

// ---- Thresholds (each with the reason it is where it is) ----------------------------------------

/** A cost under a quarter second of wall time is not worth acting on, and single stalls of that size
 * happen on any busy machine (scheduler, GC): findings that one event can cause must exceed it. */
const MIN_IMPACT_MS = 250;

/** Strategies where the main thread itself reads and splits (per-row: also parses) the input. */
const MAIN_THREAD_SPLITS: readonly Strategy[] = ['per-row', 'batches'];
/** Workers idle at least half of the time: the run was not limited by them. */
const MAIN_IDLE_MIN = 0.5;
/** At least 40 % of worker time spent between two chunks of the same worker (not at the run's edges). */
const MAIN_GAP_SHARE_MIN = 0.4;
/** Fewer chunks than this per worker: idle time is explained by too few chunks, not the main thread. */
const MIN_CHUNKS_PER_WORKER = 4;

/** Per-chunk hand-off above a fifth of a chunk's time: four times the 5 % we aim for, far from noise. */
const SMALL_OVERHEAD_SHARE_MIN = 0.2;
/** Chunks doing this much work or more are not "small" (joblib aims at ≥ 200 ms, Dask at ~100 ms). */
const SMALL_CHUNK_WORK_MAX_MS = 50;
/** The overhead share a suggested chunk size should reach. */
const TARGET_OVERHEAD_SHARE = 0.05;
/** Medians of hand-off gaps need a few of them to mean anything. */
const MIN_PAIRS = 4;

/** Busy shares of the most and least busy worker differ by a quarter of the processing time. */
const UNEVEN_SPREAD_MIN = 0.25;
/** The busiest worker was busy at least half the time (else the run is idle-bound, see main thread). */
const UNEVEN_BUSIEST_MIN = 0.5;
/** A worker's per-row cost this much above another's means its thread ran slower (contention). */
const UNEVEN_SLOW_THREAD_RATIO = 1.5;

/** Each worker needs this many chunks so that its first and last thirds have two or more. */
const DECLINE_MIN_CHUNKS_PER_WORKER = 6;
/** Late chunks at most 2/3 of the early throughput (a third slower) on every worker. */
const DECLINE_LATE_RATIO_MAX = 2 / 3;

/** Pool start-up and setup() at least half of the wall time. */
const STARTUP_SHARE_MIN = 0.5;

/** Encoding results at least 30 % of worker busy time. */
const ENCODE_SHARE_MIN = 0.3;

/** Fewer than 3 chunks per worker with 30 % idle: the split itself left workers without work. */
const FEW_CHUNKS_PER_WORKER = 3;
const FEW_CHUNKS_IDLE_MIN = 0.3;
/** Suggested split: about 4 chunks per worker (what Python's Pool.map does by default). */
const CHUNKS_PER_WORKER_TARGET = 4;

// ---- Facts shared by the checks -----------------------------------------------------------------

/** Two consecutive chunks of one worker and the worker's idle gap between them. */
interface Pair {
  prev: ChunkRecord;
  next: ChunkRecord;
  gap: number;
  /** Part of the gap before the next chunk was even submitted: no work existed for the worker. */
  starved: number;
  /** The rest: the result's trip back and the next chunk's trip out (pure hand-off latency). */
  handoff: number;
}

interface Facts {
  report: RunReport;
  summary: RunSummary;
  chunks: ChunkRecord[];
  byWorker: Map<number, ChunkRecord[]>;
  pairs: Pair[];
  /** workers × processingMs, as in the summary's shares. */
  workerTime: number;
  medianBusy: number;
}

export function diagnose(report: RunReport): Finding[] {
  const facts = gather(report);
  if (!facts) return [];
  const findings: Finding[] = [];
  const add = (f: Finding | undefined) => f && findings.push(f);
  add(mainThreadBottleneck(facts));
  add(chunksTooSmall(facts));
  const straggler = stragglers(facts);
  add(straggler);
  const few = tooFewChunks(facts);
  add(few);
  // A straggler or a split into too few chunks already explains uneven busy shares.
  if (!straggler && !few) add(unevenWorkers(facts));
  add(throughputDecline(facts));
  add(resultEncodingHeavy(facts));
  add(repairedChunks(facts));
  add(startupDominates(facts));
  add(decompressionCeiling(facts));
  return findings;
}

function gather(report: RunReport): Facts | undefined {
  const { summary } = report;
  const chunks = [...report.chunks].sort((a, b) => a.index - b.index);
  if (chunks.length === 0 || !(summary.processingMs > 0) || !(summary.workers > 0)) return undefined;
  const byWorker = new Map<number, ChunkRecord[]>();
  for (const c of chunks) {
    const list = byWorker.get(c.workerId) ?? [];
    list.push(c);
    byWorker.set(c.workerId, list);
  }
  const pairs: Pair[] = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.startedAt - b.startedAt || a.index - b.index);
    for (let i = 1; i < list.length; i++) pairs.push(pairOf(list[i - 1], list[i]));
  }
  return {
    report,
    summary,
    chunks,
    byWorker,
    pairs,
    workerTime: summary.workers * summary.processingMs,
    medianBusy: median(chunks.map(chunkDuration)),
  };
}

function pairOf(prev: ChunkRecord, next: ChunkRecord): Pair {
  const gap = Math.max(0, next.startedAt - prev.finishedAt);
  const starved = clamp(next.submittedAt - prev.finishedAt, 0, gap);
  return { prev, next, gap, starved, handoff: gap - starved };
}

// ---- 1. main-thread-bottleneck ------------------------------------------------------------------

function mainThreadBottleneck(f: Facts): Finding | undefined {
  const { summary, pairs } = f;
  if (!MAIN_THREAD_SPLITS.includes(summary.strategy)) return undefined;
  if (f.chunks.length < MIN_CHUNKS_PER_WORKER * summary.workers || pairs.length < MIN_PAIRS) return undefined;
  const gapShare = sum(pairs.map((p) => p.gap)) / f.workerTime;
  const medianGap = median(pairs.map((p) => p.gap));
  // Idle mostly between chunks, and a typical gap at least as long as a typical chunk's work.
  if (summary.idleShare < MAIN_IDLE_MIN || gapShare < MAIN_GAP_SHARE_MIN || medianGap < f.medianBusy) return undefined;
  const busyMs = sum(f.chunks.map(chunkDuration));
  const workersUsed = f.byWorker.size;
  // What the workers alone could sustain if they never waited (their busy time spread over them).
  const workerRowsPerSecond = busyMs > 0 ? (summary.rows / (busyMs / workersUsed)) * 1000 : 0;
  const starvedShare = sum(pairs.map((p) => p.starved)) / f.workerTime;
  const medianQueueWait = median(f.chunks.map((c) => c.queueWaitMs));
  const what =
    summary.strategy === 'per-row'
      ? 'with per-row the main thread reads and parses every row and hands each to the pool as its own task'
      : 'with batches the main thread reads the file and cuts it into record-aligned batches before any worker sees them';
  return {
    id: 'main-thread-bottleneck',
    severity: 'warning',
    title: `The main thread could not feed the workers: they were idle ${formatPercent(summary.idleShare)} of the time.`,
    detail:
      `Workers were idle ${formatPercent(summary.idleShare)} of their time, ${formatPercent(gapShare)} of it in gaps between one chunk and the next ` +
      `(median gap ${formatMs(medianGap)} against a median ${formatMs(f.medianBusy)} of work per chunk; median queue wait ${formatMs(medianQueueWait)}; ` +
      `${formatPercent(starvedShare)} of worker time passed before the next chunk had even been submitted). ` +
      `The run processed ${formatInt(summary.rowsPerSecond)} rows/s; the workers' own speed was ${formatInt(workerRowsPerSecond)} rows/s. ` +
      `The limit was the main thread: ${what}.`,
    suggestion:
      'Use --strategy byte-range: each worker reads and parses its own byte range of the file, and the main thread only hands out offsets.',
    numbers: {
      idleShare: summary.idleShare,
      gapShare,
      starvedShare,
      medianGapMs: medianGap,
      medianChunkMs: f.medianBusy,
      medianQueueWaitMs: medianQueueWait,
      rowsPerSecond: summary.rowsPerSecond,
      workerRowsPerSecond,
    },
  };
}

// ---- 2. chunks-too-small ------------------------------------------------------------------------

/**
 * The chunks whose size was chosen on purpose. With adaptive sizing, the first chunks are small by
 * design (the search starts small and doubles) and so are the tail's: only chunks planned after the
 * search settled, before the tail, say whether the size is right. None when it never settled.
 */
function steadyChunkIndices(summary: RunSummary): { from: number; to: number } | undefined {
  if (summary.chunking !== 'auto' || !summary.chunkSizes) return { from: 0, to: Infinity };
  const changes = summary.chunkSizes;
  let settled = -1;
  for (let i = 0; i < changes.length; i++) if (/^(settled|halved)/.test(changes[i].reason)) settled = i;
  if (settled < 0) return undefined;
  const tail = changes.slice(settled + 1).find((c) => c.reason.startsWith('tail'));
  return { from: changes[settled].atChunk, to: tail ? tail.atChunk : Infinity };
}

function chunksTooSmall(f: Facts): Finding | undefined {
  const steady = steadyChunkIndices(f.summary);
  if (!steady) return undefined;
  const inSteady = (c: ChunkRecord) => c.index >= steady.from && c.index < steady.to;
  const summary = f.summary;
  const pairs = f.pairs.filter((p) => inSteady(p.prev) && inSteady(p.next));
  const chunks = f.chunks.filter(inSteady);
  if (pairs.length < MIN_PAIRS || summary.rows === 0) return undefined;
  // Queue wait is not used as is: in a well-fed pool every chunk waits in the queue while workers are
  // busy, which costs no worker time. The worker-side hand-off gap is what each chunk really costs.
  const handoff = median(pairs.map((p) => p.handoff));
  const outside = median(chunks.map(outsidePhases));
  // Workers that hold their next chunks show almost no hand-off gap; what each chunk then costs is
  // the main thread's work for it, which shares the cores with the workers.
  const mainPerChunk = summary.mainBusyMs !== undefined && summary.chunks > 0 ? summary.mainBusyMs / summary.chunks : 0;
  const overhead = handoff + outside + mainPerChunk;
  const work = median(chunks.map((c) => chunkDuration(c) - outsidePhases(c)));
  const share = overhead + work > 0 ? overhead / (overhead + work) : 0;
  if (share < SMALL_OVERHEAD_SHARE_MIN || work >= SMALL_CHUNK_WORK_MAX_MS) return undefined;
  // Median per-row cost of a chunk: a straggler's expensive rows must not shrink the suggestion.
  const perRowMs = median(chunks.filter((c) => c.rows > 0).map((c) => (chunkDuration(c) - outsidePhases(c)) / c.rows));
  if (!(perRowMs > 0)) return undefined;
  const bytesPerRow = summary.bytes / summary.rows;
  // overhead / (overhead + rows × perRow) ≤ target  ⇔  rows ≥ overhead × (1/target − 1) / perRow
  // (1/0.05 − 1 is exactly 19 in floating point; the epsilon keeps 1900.0000001 from becoming 1901).
  const minRows = Math.ceil((overhead * (1 / TARGET_OVERHEAD_SHARE - 1)) / perRowMs - 1e-9);
  const suggestedRows = roundUpNice(minRows);
  const suggestedBytes = roundUpNice(suggestedRows * bytesPerRow);
  const medianRows = median(chunks.map((c) => c.rows));
  const medianQueueWait = median(chunks.map((c) => c.queueWaitMs));
  const medianReturn = median(chunks.map((c) => c.returnMs));
  return {
    id: 'chunks-too-small',
    severity: 'warning',
    title: `Chunks are too small: hand-off overhead is ${formatPercent(share)} of each chunk's time.`,
    detail:
      `Each chunk cost a median ${formatMs(overhead)} of fixed overhead (the gap while its result went back and the next chunk came out` +
      `${outside > 0 ? `, plus ${formatMs(outside)} outside the measured phases` : ''}` +
      `${mainPerChunk > 0 ? `, plus ${formatMs(mainPerChunk)} of the main thread's work per chunk` : ''}; median queue wait ${formatMs(medianQueueWait)}, return trip ${formatMs(medianReturn)}) ` +
      `against a median ${formatMs(work)} of work (${formatRows(medianRows)} at ${usText(perRowMs)} per row). ` +
      `With ${formatInt(summary.chunks)} chunks, overhead took ${formatPercent(share)} of worker time per chunk; ` +
      `at ${formatInt(suggestedRows)} rows per chunk it would be ${formatPercent(TARGET_OVERHEAD_SHARE)} or less.`,
    suggestion: chunkSizeAdvice(summary.strategy, suggestedRows, suggestedBytes),
    numbers: {
      overheadShare: share,
      perChunkOverheadMs: overhead,
      medianHandoffMs: handoff,
      medianOutsidePhasesMs: outside,
      mainMsPerChunk: mainPerChunk,
      medianWorkMs: work,
      medianRows,
      perRowMs,
      bytesPerRow,
      minChunkRows: minRows,
      suggestedChunkRows: suggestedRows,
      suggestedChunkBytes: suggestedBytes,
    },
  };
}

function chunkSizeAdvice(strategy: Strategy, rows: number, bytes: number): string {
  switch (strategy) {
    case 'per-row':
      return `per-row sends every row as its own task; use --strategy byte-range with --chunk-rows ${rows} (about ${formatBytes(bytes)}) or more.`;
    case 'byte-range':
      return `Try --chunk-bytes ${bytes} (about ${formatInt(rows)} rows) or more.`;
    case 'batches':
    case 'shared-columns':
      return `Try --chunk-rows ${rows} (about ${formatBytes(bytes)}) or more.`;
  }
}

// ---- 3. straggler -------------------------------------------------------------------------------

function stragglers(f: Facts): Finding | undefined {
  const { summary, chunks } = f;
  const slow = slowChunks(f.report);
  const found = slow.stragglers;
  if (found.length === 0) return undefined;
  const med = slow.p50Ms;
  const rowMedianMs = medianRowMs(chunks);
  const worst = found[0];
  const lastFinish = Math.max(...chunks.map((c) => c.finishedAt));
  const rowMs = worst.chunk.rows > 0 ? worst.durationMs / worst.chunk.rows : 0;
  const title =
    found.length === 1
      ? `Chunk ${worst.chunk.index} (${rowsText(worst.chunk)}) took ${formatRatio(worst.durationMs / med)} the median chunk and held the run up.`
      : `${found.length} chunks took more than ${STRAGGLER_MEDIAN_RATIO}× the median chunk and held the run up.`;
  return {
    id: 'straggler',
    severity: 'warning',
    title,
    detail: found.map((s) => stragglerText(s, med, rowMedianMs, lastFinish)).join(' '),
    suggestion: stragglerAdvice(worst, rowMs, rowMedianMs, summary.workers),
    numbers: {
      stragglers: found.length,
      chunk: worst.chunk.index,
      firstRow: worst.chunk.firstRow,
      lastRow: lastRowOf(worst.chunk),
      byteStart: worst.chunk.byteStart,
      byteEnd: worst.chunk.byteEnd,
      workerId: worst.chunk.workerId,
      durationMs: worst.durationMs,
      medianMs: med,
      p95Ms: slow.p95Ms,
      ratio: worst.durationMs / med,
      othersIdleMs: worst.othersIdleMs,
      msPerRow: rowMs,
      medianMsPerRow: rowMedianMs,
    },
    chunks: found.map((s) => s.chunk.index),
  };
}

function stragglerText(s: StragglerInfo, med: number, medianRowMs: number, lastFinish: number): string {
  const c = s.chunk;
  const why =
    c.finishedAt >= lastFinish
      ? "the run's end waited for it."
      : 'results are put back in input order with a bounded number of chunks in flight, so later chunks waited for it.';
  return (
    `Chunk ${c.index} (${rowsText(c)}, bytes ${formatInt(c.byteStart)}–${formatInt(c.byteEnd)}) ran on worker ${c.workerId} for ${formatMs(s.durationMs)} ` +
    `against a median chunk of ${formatMs(med)} (${formatRatio(s.durationMs / med)}), at ${usText(c.rows > 0 ? s.durationMs / c.rows : 0)} per row against a median ${usText(medianRowMs)}. ` +
    `While it ran, the other worker${s.others === 1 ? ' was' : 's were'} idle for ${formatMs(s.othersIdleMs)}: ${why}`
  );
}

function stragglerAdvice(s: StragglerInfo, rowMs: number, medianRowMs: number, workers: number): string {
  const c = s.chunk;
  const split = Math.max(1, Math.ceil(c.rows / (2 * Math.max(1, workers))));
  if (medianRowMs > 0 && rowMs >= STRAGGLER_MEDIAN_RATIO * medianRowMs) {
    return (
      `Rows ${formatInt(c.firstRow)}–${formatInt(lastRowOf(c))} cost ${formatRatio(rowMs / medianRowMs)} the usual time per row: look at what is special in them (open the dataset at row ${formatInt(c.firstRow)}). ` +
      `Smaller chunks spread such rows over more workers: try --chunk-rows ${split}.`
    );
  }
  return `The chunk held more rows or data than the others, or its thread was held up (garbage collection, another process); smaller chunks bound the damage: try --chunk-rows ${split}.`;
}

// ---- 4. uneven-workers --------------------------------------------------------------------------

function unevenWorkers(f: Facts): Finding | undefined {
  const { summary } = f;
  const ws = summary.workerSummaries.filter((w) => w.chunks > 0);
  if (ws.length < 2 || ws.some((w) => w.chunks < MIN_CHUNKS_PER_WORKER)) return undefined;
  const busiest = ws.reduce((a, b) => (b.busyShare > a.busyShare ? b : a));
  const idlest = ws.reduce((a, b) => (b.busyShare < a.busyShare ? b : a));
  const spread = busiest.busyShare - idlest.busyShare;
  const diffMs = busiest.busyMs - idlest.busyMs;
  if (spread < UNEVEN_SPREAD_MIN || busiest.busyShare < UNEVEN_BUSIEST_MIN || diffMs < MIN_IMPACT_MS) return undefined;
  const rowMs = (w: (typeof ws)[number]) => (w.rows > 0 ? w.busyMs / w.rows : 0);
  const slowest = ws.reduce((a, b) => (rowMs(b) > rowMs(a) ? b : a));
  const fastest = ws.reduce((a, b) => (rowMs(b) < rowMs(a) ? b : a));
  const slowRatio = rowMs(fastest) > 0 ? rowMs(slowest) / rowMs(fastest) : 1;
  const shares = ws
    .map(
      (w) =>
        `worker ${w.workerId} ${formatPercent(w.busyShare)} (${formatInt(w.chunks)} chunks, ${formatInt(w.rows)} rows, ${usText(rowMs(w))}/row)`,
    )
    .join(', ');
  const medianBytes = median(f.chunks.map((c) => c.bytes));
  const suggestion =
    slowRatio >= UNEVEN_SLOW_THREAD_RATIO
      ? `Worker ${slowest.workerId} needed ${formatRatio(slowRatio)} the time per row of worker ${fastest.workerId}: its thread ran slower, usually CPU contention ` +
        `(${summary.workers} workers on ${summary.cpus} CPUs${summary.workers > summary.cpus ? `: try --workers ${summary.cpus}` : '; check for other busy processes'}) or costly rows landing on it.`
      : `The busy workers ran the costly chunks while the others waited; smaller chunks let the pool even it out: try --chunk-bytes ${roundUpNice(Math.max(1, medianBytes / 2))}.`;
  return {
    id: 'uneven-workers',
    severity: 'warning',
    title: `Work was uneven between workers: busy ${formatPercent(busiest.busyShare)} on worker ${busiest.workerId}, ${formatPercent(idlest.busyShare)} on worker ${idlest.workerId}.`,
    detail: `Busy share of the processing time: ${shares}. The gap between the busiest and the least busy worker is ${formatMs(diffMs)} of work.`,
    suggestion,
    numbers: {
      busiestWorker: busiest.workerId,
      busiestShare: busiest.busyShare,
      idlestWorker: idlest.workerId,
      idlestShare: idlest.busyShare,
      spread,
      busyDiffMs: diffMs,
      slowestRowRatio: slowRatio,
    },
  };
}

// ---- 5. throughput-decline ----------------------------------------------------------------------

function throughputDecline(f: Facts): Finding | undefined {
  const early: ChunkRecord[] = [];
  const late: ChunkRecord[] = [];
  let workers = 0;
  for (const list of f.byWorker.values()) {
    const usable = list.filter((c) => c.rows > 0 && chunkDuration(c) > 0);
    if (usable.length < DECLINE_MIN_CHUNKS_PER_WORKER) continue;
    const third = Math.floor(usable.length / 3);
    const e = usable.slice(0, third);
    const l = usable.slice(usable.length - third);
    // Every worker must show it on its own: one slowed thread is not a decline of the run.
    if (median(l.map(rate)) > DECLINE_LATE_RATIO_MAX * median(e.map(rate))) return undefined;
    early.push(...e);
    late.push(...l);
    workers++;
  }
  if (workers === 0) return undefined;
  const earlyRate = median(early.map(rate));
  const lateRate = median(late.map(rate));
  // Time the late chunks spent beyond what the early rate would have needed.
  const lostMs = sum(late.map((c) => Math.max(0, chunkDuration(c) - (c.rows / earlyRate) * 1000)));
  if (lostMs / workers < MIN_IMPACT_MS) return undefined;
  const decline = 1 - lateRate / earlyRate;
  return {
    id: 'throughput-decline',
    severity: 'warning',
    title: `Throughput fell over the run: ${formatInt(earlyRate)} rows/s per chunk early, ${formatInt(lateRate)} late (−${formatPercent(decline)}).`,
    detail:
      `On each of ${workers} worker${workers === 1 ? '' : 's'}, the median chunk in the last third of its chunks ran at ${formatInt(lateRate)} rows/s against ${formatInt(earlyRate)} rows/s ` +
      `in the first third. The late chunks spent ${formatMs(lostMs)} of worker time beyond the early rate. Peak memory (RSS) was ${formatBytes(f.summary.peakRssBytes)}.`,
    suggestion:
      'A run that slows down as it goes usually means garbage-collection or memory pressure: state that keeps growing (a cache, Map or array in ctx.state or at module level) ' +
      "or results held in memory. Check that per-row state is dropped, or watch the workers' heap (--max-worker-memory bounds it).",
    numbers: {
      earlyRowsPerSecond: earlyRate,
      lateRowsPerSecond: lateRate,
      decline,
      lostMs,
      workers,
      peakRssBytes: f.summary.peakRssBytes,
    },
  };
}

// ---- 6. repaired-chunks (info) ------------------------------------------------------------------

function repairedChunks(f: Facts): Finding | undefined {
  const repaired = f.chunks.filter((c) => c.repaired);
  if (repaired.length === 0) return undefined;
  // The record keeps the second parse's times; the discarded first parse cost about as much again.
  const repairMs = sum(repaired.map(chunkDuration));
  const share = repairMs / sum(f.chunks.map(chunkDuration));
  return {
    id: 'repaired-chunks',
    severity: 'info',
    title: `${formatInt(repaired.length)} of ${formatInt(f.chunks.length)} byte ranges started inside a quoted field and were parsed again.`,
    detail:
      `The speculative start of ${repaired.length === 1 ? 'chunk' : 'chunks'} ${listIndices(repaired)} landed inside a quoted field (a field with line breaks), ` +
      `so the range was parsed again from the true record start. The re-parses took ${formatMs(repairMs)} of worker time (${formatPercent(share)} of all chunk time); the discarded first parses cost about as much. Results are correct.`,
    suggestion:
      'Nothing to fix for correctness. If the cost matters, larger chunks mean fewer range starts and so fewer repairs.',
    numbers: { repairedChunks: repaired.length, repairMs, share },
    chunks: repaired.map((c) => c.index),
  };
}

// ---- 7. startup-dominates (info) ----------------------------------------------------------------

function startupDominates(f: Facts): Finding | undefined {
  const { summary } = f;
  if (!(summary.wallMs > 0)) return undefined;
  const share = summary.startupMs / summary.wallMs;
  if (share < STARTUP_SHARE_MIN) return undefined;
  return {
    id: 'startup-dominates',
    severity: 'info',
    title: `Start-up took ${formatPercent(share)} of the run: ${formatMs(summary.startupMs)} of ${formatMs(summary.wallMs)}.`,
    detail:
      `Starting ${summary.workers} worker thread${summary.workers === 1 ? '' : 's'}, loading the processor and running setup() took ${formatMs(summary.startupMs)}; ` +
      `processing the ${formatInt(summary.rows)} rows took ${formatMs(summary.processingMs)}. Throughput figures of a run this short say little.`,
    suggestion: `For an input this small, fewer workers start faster (try --workers ${Math.max(1, Math.floor(summary.workers / 2))}); to measure throughput, use a bigger input.`,
    numbers: {
      startupMs: summary.startupMs,
      wallMs: summary.wallMs,
      processingMs: summary.processingMs,
      share,
      workers: summary.workers,
    },
  };
}

// ---- decompression-ceiling ---------------------------------------------------------------------

/** A gzip/zstd stream is decompressed on one thread: that rate bounds the run, whatever the workers. */
function decompressionCeiling(f: Facts): Finding | undefined {
  const reader = f.summary.reader;
  if (!reader || reader.decompressMs === undefined || reader.decompressMbPerSecond === undefined) return undefined;
  const name = reader.compression === 'bgzf' ? 'BGZF' : reader.compression;
  const rate = reader.decompressMbPerSecond;
  const wait = reader.decompressWaitMs ?? 0;
  const waitShare = f.summary.processingMs > 0 ? Math.min(1, wait / f.summary.processingMs) : 0;
  const where =
    reader.compression === 'zstd' ? 'in JavaScript (fzstd) on the main thread' : "on one of libuv's threads";
  const title =
    reader.strategyRequested === 'byte-range' && reader.strategyUsed !== 'byte-range'
      ? `byte-range is not possible for ${name}: decompression on one thread is the ceiling, ${formatMbPerSecond(rate)}.`
      : `${name} is decompressed on one thread: its ${formatMbPerSecond(rate)} is the ceiling.`;
  return {
    id: 'decompression-ceiling',
    severity: waitShare >= 0.25 ? 'warning' : 'info',
    title,
    detail:
      `This run decompressed ${formatBytes(reader.compressedBytes)} of ${name} into ${formatBytes(reader.decompressedBytes)} ${where} in ${formatMs(reader.decompressMs)} (${formatMbPerSecond(rate)} of decompressed data), ` +
      `and ran ${reader.strategyUsed} on what came out; the main thread waited ${formatMs(wait)} for decompressed bytes (${formatPercent(waitShare)} of processing). More workers cannot go faster than that.`,
    suggestion:
      reader.compression === 'bgzf'
        ? 'Use --strategy byte-range: every worker then reads and inflates its own BGZF blocks.'
        : 'To process in parallel from the first byte, recompress with bgzip (BGZF, from htslib: every worker reads its own blocks with byte-range) or store the file uncompressed.',
    numbers: {
      decompressMbPerSecond: rate,
      decompressMs: reader.decompressMs,
      decompressWaitMs: wait,
      compressedBytes: reader.compressedBytes,
      decompressedBytes: reader.decompressedBytes,
    },
  };
}

// ---- 8. result-encoding-heavy and too-few-chunks ------------------------------------------------

function resultEncodingHeavy(f: Facts): Finding | undefined {
  const busyMs = sum(f.chunks.map(chunkDuration));
  const encodeMs = sum(f.chunks.map((c) => c.encodeMs));
  const share = busyMs > 0 ? encodeMs / busyMs : 0;
  if (share < ENCODE_SHARE_MIN || encodeMs / f.byWorker.size < MIN_IMPACT_MS) return undefined;
  const resultBytes = sum(f.chunks.map((c) => c.resultBytes));
  const rows = f.summary.rows;
  return {
    id: 'result-encoding-heavy',
    severity: 'warning',
    title: `Encoding results took ${formatPercent(share)} of worker time.`,
    detail: `Workers spent ${formatMs(encodeMs)} turning results into JSON Lines (${formatBytes(resultBytes)}${rows > 0 ? `, ${formatInt(resultBytes / rows)} bytes per row` : ''}) out of ${formatMs(busyMs)} of chunk time.`,
    suggestion:
      'Return only the fields you need from processRow; if you aggregate, export combine() so workers fold results instead of writing every row.',
    numbers: { encodeMs, share, resultBytes, busyMs },
  };
}

function tooFewChunks(f: Facts): Finding | undefined {
  const { summary } = f;
  if (summary.strategy === 'per-row' || summary.chunks >= FEW_CHUNKS_PER_WORKER * summary.workers) return undefined;
  const idleMs = summary.idleShare * f.workerTime;
  if (summary.idleShare < FEW_CHUNKS_IDLE_MIN || idleMs / summary.workers < MIN_IMPACT_MS) return undefined;
  const target = CHUNKS_PER_WORKER_TARGET * summary.workers;
  const rows = Math.max(1, Math.ceil(summary.rows / target));
  const bytes = Math.max(1, Math.ceil(summary.bytes / target));
  return {
    id: 'too-few-chunks',
    severity: 'warning',
    title: `Only ${formatInt(summary.chunks)} chunk${summary.chunks === 1 ? '' : 's'} for ${summary.workers} workers: workers were idle ${formatPercent(summary.idleShare)} of the time.`,
    detail:
      `The input was split into ${formatInt(summary.chunks)} chunk${summary.chunks === 1 ? '' : 's'} for ${summary.workers} workers (${f.byWorker.size} of them got any), ` +
      `so ${formatMs(idleMs)} of worker time went unused waiting for the last chunks.`,
    suggestion:
      summary.strategy === 'byte-range'
        ? `Split into about ${target} chunks: try --chunk-bytes ${bytes} (about ${formatInt(rows)} rows).`
        : `Split into about ${target} chunks: try --chunk-rows ${rows}.`,
    numbers: {
      chunks: summary.chunks,
      workers: summary.workers,
      idleShare: summary.idleShare,
      idleMs,
      suggestedChunkRows: rows,
      suggestedChunkBytes: bytes,
    },
  };
}

// ---- Small helpers ------------------------------------------------------------------------------

/** Time inside the worker's chunk span that none of the measured phases account for. */
function outsidePhases(c: ChunkRecord): number {
  return Math.max(0, chunkDuration(c) - c.readMs - c.parseMs - c.computeMs - c.encodeMs);
}

/** Rows per second of one chunk. */
function rate(c: ChunkRecord): number {
  return (c.rows / chunkDuration(c)) * 1000;
}

function lastRowOf(c: ChunkRecord): number {
  return c.firstRow + Math.max(0, c.rows - 1);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** The median, 0 for no values (a check over no chunk pairs finds nothing, rather than comparing NaN). */
function median(xs: number[]): number {
  return xs.length === 0 ? 0 : statsMedian(xs);
}

/** Rounds up to two significant digits, so that suggestions read as sizes people type (2,850 → 2,900). */
export function roundUpNice(x: number): number {
  if (!(x > 0)) return 1;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 1);
  return Math.ceil(x / step - 1e-9) * step;
}

function listIndices(cs: ChunkRecord[]): string {
  const shown = cs.slice(0, 10).map((c) => String(c.index));
  return cs.length > 10 ? `${shown.join(', ')} and ${cs.length - 10} more` : shown.join(', ');
}

function rowsText(c: ChunkRecord): string {
  return c.rows === 1 ? `row ${formatInt(c.firstRow)}` : `rows ${formatInt(c.firstRow)}–${formatInt(lastRowOf(c))}`;
}

/** A per-row cost given in ms, in µs. */
function usText(msValue: number): string {
  return formatMicros(msValue * 1000);
}

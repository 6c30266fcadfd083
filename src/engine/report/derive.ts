// Numbers derived from a run's records that more than one surface shows: a chunk's duration, the
// p50/p95 of chunk durations, and the two named sets of slow chunks. The diagnosis, the report's
// timeline, its histogram, its chunk tooltips and the flame view's presets all read them from here,
// so the "straggler" a finding names is the chunk the timeline marks and the flame preset selects.
// Pure (browser-safe): the webview imports these functions, never a copy.
import type { ChunkRecord, RunReport } from '../model';
import { median, quantile } from '../base/stats';

/** A straggler takes more than 3× the median chunk and is at or above the 95th percentile. */
export const STRAGGLER_MEDIAN_RATIO = 3;
const STRAGGLER_PERCENTILE = 0.95;
/** Below this many chunks a median says nothing about "the rest". */
const STRAGGLER_MIN_CHUNKS = 5;
/** A cost under a quarter second is not worth acting on, and single stalls that size happen on any busy machine. */
const STRAGGLER_MIN_EXCESS_MS = 250;
/** Its excess over the median must also be a tenth of the processing time: it visibly held the run. */
const STRAGGLER_RUN_SHARE_MIN = 0.1;
/** ... and the other workers must have sat idle for half of its duration (else it cost nothing). */
const STRAGGLER_OTHERS_IDLE_MIN = 0.5;
/** At most this many stragglers are named ("one or a few"); more is a distribution, not a straggler. */
export const STRAGGLER_MAX_NAMED = 3;

/** The slow tail: the slowest 5 % of chunks (at least one), what the flame view compares with the rest. */
const SLOW_TAIL_SHARE = 0.05;

/** The time a worker spent on a chunk, from its start to its finish. */
export function chunkDuration(c: ChunkRecord): number {
  return Math.max(0, c.finishedAt - c.startedAt);
}

export interface StragglerInfo {
  chunk: ChunkRecord;
  durationMs: number;
  /** Idle time of every other worker that ran chunks, while this one ran. */
  othersIdleMs: number;
  /** How many other workers ran chunks. */
  others: number;
}

export interface ChunkTimeStats {
  /** chunkDuration of every chunk, in report.chunks order. */
  durations: Float64Array;
  p50Ms: number;
  p95Ms: number;
}

/** Everything the faces show about slow chunks, computed once per report. */
export interface SlowChunks extends ChunkTimeStats {
  /**
   * Chunks that held the run up (the diagnosis's "straggler" finding names exactly these): over
   * 3× the median and at or above p95, an excess of at least 250 ms and a tenth of the processing
   * time, while the other workers sat idle at least half of its duration; at most three, else none.
   * Sorted by duration, longest first.
   */
  stragglers: StragglerInfo[];
  /** chunk.index of the slowest 5 % of chunks (at least one, none without chunks), slowest first. */
  slowTail: number[];
}

export function chunkTimeStats(report: RunReport): ChunkTimeStats {
  const durations = Float64Array.from(report.chunks, chunkDuration);
  const sorted = Float64Array.from(durations).sort();
  return { durations, p50Ms: quantile(sorted, 0.5), p95Ms: quantile(sorted, STRAGGLER_PERCENTILE) };
}

export function slowChunks(report: RunReport): SlowChunks {
  const stats = chunkTimeStats(report);
  return { ...stats, stragglers: findStragglers(report, stats), slowTail: findSlowTail(report, stats) };
}

function findSlowTail(report: RunReport, { durations }: ChunkTimeStats): number[] {
  const chunks = report.chunks;
  const take = Math.min(chunks.length, Math.max(1, Math.round(chunks.length * SLOW_TAIL_SHARE)));
  return chunks
    .map((_, i) => i)
    .sort((a, b) => durations[b] - durations[a] || a - b)
    .slice(0, take)
    .map((i) => chunks[i].index);
}

function findStragglers(report: RunReport, { durations, p50Ms, p95Ms }: ChunkTimeStats): StragglerInfo[] {
  const chunks = report.chunks;
  const byWorker = new Map<number, ChunkRecord[]>();
  for (const c of chunks) {
    const list = byWorker.get(c.workerId);
    if (list) list.push(c);
    else byWorker.set(c.workerId, [c]);
  }
  if (chunks.length < STRAGGLER_MIN_CHUNKS || byWorker.size < 2) return [];
  const minExcess = Math.max(STRAGGLER_MIN_EXCESS_MS, STRAGGLER_RUN_SHARE_MIN * report.summary.processingMs);
  const found: StragglerInfo[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const d = durations[i];
    if (d <= STRAGGLER_MEDIAN_RATIO * p50Ms || d < p95Ms || d - p50Ms < minExcess) continue;
    const s = { chunk: chunks[i], durationMs: d, ...othersIdle(byWorker, chunks[i]) };
    if (s.othersIdleMs >= STRAGGLER_OTHERS_IDLE_MIN * s.others * d) found.push(s);
  }
  if (found.length > STRAGGLER_MAX_NAMED) return [];
  return found.sort((a, b) => b.durationMs - a.durationMs || a.chunk.index - b.chunk.index);
}

function othersIdle(byWorker: Map<number, ChunkRecord[]>, c: ChunkRecord): { othersIdleMs: number; others: number } {
  let idle = 0;
  let others = 0;
  const d = chunkDuration(c);
  for (const [worker, list] of byWorker) {
    if (worker === c.workerId) continue;
    others++;
    let covered = 0;
    for (const o of list)
      covered += Math.max(0, Math.min(o.finishedAt, c.finishedAt) - Math.max(o.startedAt, c.startedAt));
    idle += Math.max(0, d - covered);
  }
  return { othersIdleMs: idle, others };
}

/** The median time per row over chunks with rows (ms): a straggler's rows are compared with it. */
export function medianRowMs(chunks: readonly ChunkRecord[]): number {
  const costs = chunks.filter((c) => c.rows > 0).map((c) => chunkDuration(c) / c.rows);
  return costs.length > 0 ? median(costs) : 0;
}

/**
 * "µs per row (p50)": the median chunk's compute time per row. The median, not the mean, so one
 * straggler chunk (GC, a cold cache) does not move the number a user tunes against.
 */
export function medianMicrosPerRow(chunks: readonly ChunkRecord[]): number | undefined {
  const perRow = chunks.filter((c) => c.rows > 0).map((c) => (c.computeMs * 1000) / c.rows);
  return perRow.length > 0 ? median(perRow) : undefined;
}

// Fits the cost model to a sweep's own measurements: time per chunk on a worker = fixed cost per
// chunk + cost per row (from the chunk records), the main thread's serial cost per chunk (from runs
// the workers could not be fed fast enough), and the model's error on every measured point.
// Pure arithmetic on small aggregates: no Node imports, no per-chunk arrays kept.
import { describeCostModel, predictRun } from './cost-model';
import { median, weightedLineFit } from '../base/stats';
import { formatInt, formatPercent } from '../base/format';
import type { CostModel } from '../model/sweep';
import type { ChunkRecord } from '../model';

/** What one measured run contributes to the fit: a handful of numbers, not its chunk records. */
export interface RunCostSample {
  workers: number;
  rows: number;
  chunks: number;
  processingMs: number;
  startupMs: number;
  /** Σ over chunks of (worker busy time + the worker's hand-off between tasks), µs. */
  effectiveChunkUs: number;
}

/** A hand-off is only measurable when the next task was already queued as the previous ended. */
const QUEUED_MARGIN_MS = 0.05;

/**
 * A chunk costs its worker the busy time (read, parse, compute, encode) plus the hand-off between
 * tasks (result posted, next task received): the gap between two chunks on one worker when the
 * second was already waiting. Gaps where the worker was starved are idle time, not chunk cost:
 * those chunks (and each worker's first) are charged the run's median hand-off instead.
 */
export function runCostSample(
  records: readonly ChunkRecord[],
  run: { workers: number; processingMs: number; startupMs: number },
): RunCostSample {
  const byWorker = new Map<number, ChunkRecord[]>();
  let busyMs = 0;
  let rows = 0;
  for (const r of records) {
    busyMs += r.finishedAt - r.startedAt;
    rows += r.rows;
    let list = byWorker.get(r.workerId);
    if (!list) byWorker.set(r.workerId, (list = []));
    list.push(r);
  }
  const gaps: number[] = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1];
      const next = list[i];
      if (next.submittedAt <= previous.finishedAt - QUEUED_MARGIN_MS)
        gaps.push(Math.max(0, next.startedAt - previous.finishedAt));
    }
  }
  const handOffMs = gaps.length > 0 ? median(gaps) : 0;
  const measuredGapMs = gaps.reduce((n, g) => n + g, 0);
  const effectiveMs = busyMs + measuredGapMs + (records.length - gaps.length) * handOffMs;
  return {
    workers: run.workers,
    rows,
    chunks: records.length,
    processingMs: run.processingMs,
    startupMs: run.startupMs,
    effectiveChunkUs: effectiveMs * 1000,
  };
}

/** When a run is this much slower than the workers alone would allow, the main thread set its pace. */
const MAIN_BOUND_EXCESS = 1.15;

/**
 * Weighted least squares of mean time per chunk against mean rows per chunk over the runs, with
 * weights 1/time² so a 30 µs chunk counts as much as a 300 ms one (relative error): small chunks
 * pin the fixed cost, large ones the cost per row. Null when fewer than two chunk sizes were run.
 */
export function fitCostModel(samples: readonly RunCostSample[], rowsToPredict: number): CostModel | null {
  const usable = samples.filter((s) => s.chunks > 0 && s.rows > 0 && s.effectiveChunkUs > 0);
  const xs = usable.map((s) => s.rows / s.chunks);
  const ys = usable.map((s) => s.effectiveChunkUs / s.chunks);
  const distinctSizes = new Set(xs.map((x) => Math.round(x)));
  if (distinctSizes.size < 2) return null;
  const line = weightedLineFit(
    xs,
    ys,
    ys.map((y) => 1 / (y * y)),
  );
  if (!line) return null;
  let perChunkUs = line.intercept;
  let perRowUs = line.slope;
  if (perRowUs <= 0) return null; // more rows never cost less: the measurements are too noisy to fit
  if (perChunkUs < 0) {
    // A fixed cost below zero is noise around a small true value: refit the cost per row alone.
    perChunkUs = 0;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      const w = 1 / (ys[i] * ys[i]);
      sxy += w * xs[i] * ys[i];
      sxx += w * xs[i] * xs[i];
    }
    perRowUs = sxy / sxx;
  }
  const workerOnly: CostModel = {
    perChunkUs,
    perRowUs,
    mainPerChunkUs: 0,
    startupMs: median(usable.map((s) => s.startupMs)),
    rows: rowsToPredict,
    r2: line.r2,
    fitChunks: usable.reduce((n, s) => n + s.chunks, 0),
    medianRelativeError: 0,
  };
  // The main thread's cost per chunk shows only where it was the bottleneck: there, the run took
  // chunks × mainPerChunk. It can never exceed the fastest time per chunk seen in any run.
  const mainEstimates: number[] = [];
  let mainCeilingUs = Infinity;
  for (const s of usable) {
    const perChunk = (s.processingMs * 1000) / s.chunks;
    mainCeilingUs = Math.min(mainCeilingUs, perChunk);
    if (s.chunks < 4 * s.workers) continue;
    const workerBound = predictRun(workerOnly, {
      rows: s.rows,
      chunkRows: s.rows / s.chunks,
      workers: s.workers,
    }).processingMs;
    if (s.processingMs > workerBound * MAIN_BOUND_EXCESS) mainEstimates.push(perChunk);
  }
  const model: CostModel = {
    ...workerOnly,
    mainPerChunkUs: mainEstimates.length > 0 ? Math.min(median(mainEstimates), mainCeilingUs) : 0,
  };
  model.medianRelativeError = median(
    usable.map(
      (s) =>
        Math.abs(
          predictRun(model, { rows: s.rows, chunkRows: s.rows / s.chunks, workers: s.workers }).processingMs -
            s.processingMs,
        ) / s.processingMs,
    ),
  );
  return model;
}

/** The model is trusted to choose a size (rather than only the measured points) when it fits this well. */
export function modelIsTrustworthy(model: CostModel | null): model is CostModel {
  return !!model && model.r2 >= 0.9 && model.medianRelativeError <= 0.15;
}

/**
 * The chunk size with the shortest predicted run, searched on a fine log grid up to one chunk per
 * worker (and `maxChunkRows`); among sizes within 0.5 % of that time, the smallest (same speed,
 * less memory per chunk, finer progress).
 */
export function bestChunkRows(
  model: CostModel,
  at: { rows: number; workers: number; maxChunkRows?: number },
): { chunkRows: number; processingMs: number; rowsPerSecond: number } {
  const top = Math.max(1, Math.min(Math.ceil(at.rows / at.workers), at.maxChunkRows ?? Infinity));
  const steps = 400;
  const candidates: { chunkRows: number; processingMs: number }[] = [];
  for (let i = 0; i <= steps; i++) {
    const chunkRows = Math.max(1, Math.round(Math.pow(top, i / steps)));
    if (candidates.length > 0 && candidates[candidates.length - 1].chunkRows === chunkRows) continue;
    candidates.push({
      chunkRows,
      processingMs: predictRun(model, { rows: at.rows, chunkRows, workers: at.workers }).processingMs,
    });
  }
  const fastest = Math.min(...candidates.map((c) => c.processingMs));
  const chosen = candidates.find((c) => c.processingMs <= fastest * 1.005)!;
  return {
    chunkRows: chosen.chunkRows,
    processingMs: chosen.processingMs,
    rowsPerSecond: chosen.processingMs > 0 ? (at.rows / chosen.processingMs) * 1000 : 0,
  };
}

/**
 * The model's reasons in plain words: where dispatch overhead starts to matter, where the last
 * chunks start to leave workers idle, and whether the main thread sets the pace.
 */
export function explainModel(model: CostModel, at: { rows: number; workers: number; best?: number }): string[] {
  const lines: string[] = [describeCostModel(model)];
  const overheadLimit = 0.05;
  // F / (F + S·c) ≤ 5 %  ⇔  c ≥ 19·F / S
  const minRows = Math.ceil(((1 - overheadLimit) / overheadLimit) * (model.perChunkUs / model.perRowUs));
  if (minRows > 1)
    lines.push(
      `Below ${formatInt(minRows)} rows a chunk, the fixed cost per chunk (dispatch, messaging, result hand-off) exceeds 5 % of worker time.`,
    );
  if (model.mainPerChunkUs > 0) {
    // The main thread keeps up while W workers finish chunks no faster than it hands them out.
    const mainRows = Math.ceil(Math.max(0, at.workers * model.mainPerChunkUs - model.perChunkUs) / model.perRowUs);
    if (mainRows > 1)
      lines.push(
        `Below ${formatInt(mainRows)} rows a chunk, the main thread (${model.mainPerChunkUs.toFixed(0)} µs per chunk) cannot hand out chunks as fast as ${at.workers} workers finish them, so workers wait.`,
      );
  }
  if (at.workers > 1) {
    // Start where dispatch stops mattering, so idle time from a starved pool is not taken for the tail.
    for (
      let chunkRows = Math.max(1, minRows);
      chunkRows <= at.rows / at.workers;
      chunkRows = Math.ceil(chunkRows * 1.1)
    ) {
      const p = predictRun(model, { rows: at.rows, chunkRows, workers: at.workers });
      if (!p.mainThreadBound && p.idleTailShare > 0.05) {
        lines.push(
          `Above ${formatInt(chunkRows)} rows a chunk (${formatInt(at.rows)} rows, ${at.workers} workers), the last chunks leave workers idle for ${formatPercent(p.idleTailShare)} of the run.`,
        );
        break;
      }
    }
  }
  if (at.best !== undefined) {
    const p = predictRun(model, { rows: at.rows, chunkRows: at.best, workers: at.workers });
    lines.push(
      `Predicted best for ${formatInt(at.rows)} rows on ${at.workers} worker${at.workers === 1 ? '' : 's'}: ${formatInt(at.best)} rows a chunk, about ${formatInt(p.rowsPerSecond)} rows/s` +
        (p.mainThreadBound ? ' (the main thread sets the pace).' : '.'),
    );
  }
  return lines;
}

/**
 * The measured best size, moved to where the model puts the optimum for the whole file: a longer
 * run has a relatively shorter tail, so its best chunks are larger. The measurement stays the
 * anchor (the model's absolute optimum can be off where a measurement is not); only the ratio of
 * the model's optima for the file's and the sample's rows is used. Undefined when that moves the
 * size by less than 15 %.
 */
export function sizeForFile(
  model: CostModel,
  measuredRows: number,
  at: { sampleRows: number; fileRows: number; workers: number },
): number | undefined {
  const onSample = bestChunkRows(model, { rows: at.sampleRows, workers: at.workers });
  const onFile = bestChunkRows(model, { rows: at.fileRows, workers: at.workers });
  const moved = Math.max(1, Math.round((measuredRows * onFile.chunkRows) / onSample.chunkRows));
  return Math.abs(Math.log(moved / measuredRows)) < Math.log(1.15) ? undefined : moved;
}

// The chunk-size cost model: what a run would take for a given chunk size and worker count.
// Pure arithmetic, no Node imports: the webview's chunk-size slider runs the same function.
import type { CostModel } from '../model/sweep';
import { formatInt, formatMicros, formatMs, formatPercent } from '../base/format';

export interface Prediction {
  /** Start-up plus processing. */
  totalMs: number;
  processingMs: number;
  rowsPerSecond: number;
  chunks: number;
  chunksPerWorker: number;
  /** Share of worker time spent on the fixed per-chunk cost (dispatch, messaging, result return). */
  overheadShare: number;
  /** Share of worker time left idle by the last wave of chunks (workers finishing at different times). */
  idleTailShare: number;
  /** True when the main thread's serial per-chunk work, not the workers, sets the pace. */
  mainThreadBound: boolean;
}

/**
 * Workers share the chunks; each chunk costs perChunkUs + perRowUs × rows. The last wave leaves,
 * on average, half a chunk of idle time on every worker but the last to finish: balance costs
 * about chunkMs × (W − 1) / (2W). That holds from one chunk per worker on: chunks are never
 * exactly equal (rows per byte range, cache, scheduling), so W chunks for W workers do not end
 * together either. With fewer chunks than workers the run is one chunk long. The main thread
 * handles chunks one at a time, so the run can never be faster than chunks × mainPerChunkUs.
 */
export function predictRun(model: CostModel, at: { rows: number; chunkRows: number; workers: number }): Prediction {
  const rows = Math.max(1, at.rows);
  const chunkRows = Math.max(1, Math.min(at.chunkRows, rows));
  const workers = Math.max(1, at.workers);
  const chunks = Math.ceil(rows / chunkRows);
  const chunkMs = (model.perChunkUs + model.perRowUs * chunkRows) / 1000;
  const workMs = (chunks * model.perChunkUs + rows * model.perRowUs) / 1000;
  const busyWorkers = Math.min(workers, chunks);
  const tailMs = chunks < workers ? 0 : (chunkMs * (workers - 1)) / (2 * workers);
  const workerBoundMs = chunks < workers ? chunkMs : workMs / workers + tailMs;
  const mainBoundMs = (chunks * model.mainPerChunkUs) / 1000;
  const processingMs = Math.max(workerBoundMs, mainBoundMs);
  const capacityMs = processingMs * workers;
  return {
    totalMs: model.startupMs + processingMs,
    processingMs,
    rowsPerSecond: processingMs > 0 ? (rows / processingMs) * 1000 : 0,
    chunks,
    chunksPerWorker: chunks / busyWorkers,
    overheadShare: capacityMs > 0 ? (chunks * model.perChunkUs) / 1000 / capacityMs : 0,
    idleTailShare: capacityMs > 0 ? Math.max(0, capacityMs - workMs) / capacityMs : 0,
    mainThreadBound: mainBoundMs > workerBoundMs,
  };
}

/**
 * The fitted model in one sentence, as every surface states it (CLI sweep table, tuner, sweep page,
 * the explanation of a sweep).
 */
export function describeCostModel(model: CostModel): string {
  const main =
    model.mainPerChunkUs > 0 ? `; the main thread spends ${formatMicros(model.mainPerChunkUs)} per chunk` : '';
  return (
    `Each chunk costs a worker about ${formatMicros(model.perChunkUs)} plus ${formatMicros(model.perRowUs)} per row${main}; start-up ${formatMs(model.startupMs)} ` +
    `(fit R² ${model.r2.toFixed(2)} over ${formatInt(model.fitChunks)} chunks, median error ${formatPercent(model.medianRelativeError)} over the measured points${model.strategy ? `, ${model.strategy} runs` : ''}).`
  );
}

// A sweep: every point of a grid (strategy × workers × chunk size) run several times on a sample of
// the dataset, in an interleaved, randomised order after a discarded warm-up round, so drift (heat,
// other programs, caches) spreads over the whole grid instead of biasing one end. Each run's chunk
// records are reduced at once to a few numbers for the cost model and then dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { epochNow } from '../base/clock';
import {
  explainModel,
  fitCostModel,
  modelIsTrustworthy,
  runCostSample,
  type RunCostSample,
  sizeForFile,
} from './cost-fit';
import { inspectDataset, type DatasetInfo } from '../read/dataset';
import { ChunkscopeError } from '../base/errors';
import { runDataset, type RunHooks } from '../run/run';
import { DEFAULTS, STRATEGIES } from '../options';
import { formatBytes, formatInt, formatPercent, formatRows } from '../base/format';
import { prepareSample, type PreparedSample, type SampleSize } from '../read/sample';
import { prepareCompressedSample } from '../read/compressed-sample';
import { logSpaced, seededRandom, shuffle, spreadOf } from '../base/stats';
import type {
  CostModel,
  Recommendation,
  SweepClusterInfo,
  SweepPoint,
  SweepPointSpec,
  SweepReport,
  SweepRepeat,
} from '../model/sweep';
import type { RunOptions, Strategy } from '../model';

/** Run options a sweep passes through unchanged to every run. */
export type SweepRunOptions = Pick<
  RunOptions,
  'delimiter' | 'header' | 'rowShape' | 'types' | 'format' | 'onError' | 'maxWorkerMemoryMb' | 'chunkTimeout'
>;

export interface SweepOptions extends SweepRunOptions {
  data: string;
  processor: string;
  /** Chunk sizes in rows, or in bytes; default: log-spaced from one row a chunk to one chunk per worker. */
  chunkRows?: number[];
  chunkBytes?: number[];
  /** Default: 1 … available parallelism. */
  workers?: number[];
  /** Default: the engine's default strategy. */
  strategies?: Strategy[];
  /** Measured runs per point (the warm-up run is extra). Default 3. */
  repeats?: number;
  /** Default: the whole file up to 16 MiB of data, else 16 MiB spread over it. */
  sample?: SampleSize;
  budgetSeconds?: number;
  /** Seed of the run order (reproducible sweeps). */
  seed?: number;
  /** Where the sample and scratch output go (a private folder is made inside and always removed). */
  tempDir?: string;
}

export interface SweepHooks {
  signal?: AbortSignal;
  /** After every measured run: the point it belongs to and the whole report so far (the live chart's feed). */
  onPoint?: (point: SweepPoint, report: SweepReport) => void;
  /** Runs done (warm-up included) out of runs planned. */
  onProgress?: (done: number, total: number) => void;
  /** Every run goes through this cluster instead of the local thread pool. */
  cluster?: SweepCluster;
}

/**
 * A sweep or tuning over a cluster (the cluster face makes it): each run's dispatcher, and the
 * nodes registered, whose threads in all are the top of the worker axis.
 */
export interface SweepCluster {
  dispatcher: NonNullable<RunHooks['dispatcher']>;
  info: Omit<SweepClusterInfo, 'capped'>;
}

/**
 * The worker axis on a cluster: counts are threads over all nodes, so counts above the threads
 * registered run as that many (and are listed, for the report).
 */
export function clusterWorkerAxis(asked: number[], threads: number): { workers: number[]; capped: number[] } {
  const capped = asked.filter((w) => w > threads);
  return { workers: [...new Set(asked.map((w) => Math.min(w, threads)))].sort((a, b) => a - b), capped };
}

export function describeCluster(c: SweepClusterInfo): string {
  const nodes = c.nodes.map((n) => `${n.name} (${n.threads})`).join(', ');
  const capped = c.capped.length
    ? ` Worker counts ${c.capped.join(', ')} are above the ${c.threads} threads registered, so they ran as ${c.threads}.`
    : '';
  return `Ran on the cluster at ${c.url} (queue ${c.queue}): ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}, ${nodes}; a worker count is threads over all nodes, at most ${c.threads}.${capped}`;
}

/** About ×4 between neighbouring sizes of the default grid. */
const GRID_FACTOR = 4;
const MAX_CHUNKS_PER_RUN = DEFAULTS.sweep.maxChunksPerRun;

export function pointKey(spec: SweepPointSpec): string {
  return `${spec.strategy}/${spec.workers}w/${spec.chunkRows ?? `${spec.chunkBytes}B`}`;
}

/** The runs of one point: the repeats shown in the report and the cost numbers the fit uses. */
export class PointTally {
  readonly repeats: SweepRepeat[] = [];
  readonly costs: RunCostSample[] = [];
  constructor(readonly spec: SweepPointSpec) {}

  add(repeat: SweepRepeat, cost: RunCostSample): void {
    this.repeats.push(repeat);
    this.costs.push(cost);
  }

  toPoint(): SweepPoint {
    const r = this.repeats;
    const mid = (pick: (x: SweepRepeat) => number) => spreadOf(r.map(pick)).median;
    return {
      ...this.spec,
      key: pointKey(this.spec),
      repeats: [...r],
      rowsPerSecond: spreadOf(r.map((x) => x.rowsPerSecond)),
      overheadShare: mid((x) => x.overheadShare),
      idleShare: mid((x) => x.idleShare),
      chunks: mid((x) => x.chunks),
      meanChunkRows: mid((x) => x.meanChunkRows),
    };
  }
}

/** Runs points on one prepared sample with fixed chunking; cancellable and bounded by a deadline. */
export class PointRunner {
  private readonly outFile: string;
  private readonly subSamples = new Map<number, PreparedSample>();
  private runs = 0;
  private currentRun: AbortController | undefined;
  stopped: null | 'budget' | 'cancelled' = null;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly onCancel = () => this.stop('cancelled');
  private readonly dispatcher?: RunHooks['dispatcher'];

  constructor(
    readonly info: DatasetInfo,
    readonly sample: PreparedSample,
    private readonly base: SweepRunOptions & { processor: string },
    private readonly tempDir: string,
    private readonly signal: AbortSignal | undefined,
    private readonly startedAt: number,
    budgetSeconds: number | undefined,
    cluster?: SweepCluster,
  ) {
    const remote = cluster?.dispatcher;
    // A point's worker count is the run's window over the cluster's threads (at most all of them).
    if (remote)
      this.dispatcher = async (opts) => {
        const r = await remote(opts);
        return { dispatcher: r.dispatcher, workers: Math.min(opts.workers, r.workers) };
      };
    this.outFile = path.join(tempDir, 'results.ndjson');
    signal?.addEventListener('abort', this.onCancel);
    if (signal?.aborted) this.stopped = 'cancelled';
    if (budgetSeconds !== undefined) {
      const left = Math.max(0, budgetSeconds * 1000 - (epochNow() - startedAt));
      this.deadlineTimer = setTimeout(() => this.stop('budget'), left);
    }
  }

  get runsDone(): number {
    return this.runs;
  }

  private stop(why: 'budget' | 'cancelled'): void {
    if (this.stopped) return;
    this.stopped = why;
    this.currentRun?.abort();
  }

  /** The sample itself, or for tiny chunks a smaller one holding MAX_CHUNKS_PER_RUN chunks. */
  private fileFor(spec: SweepPointSpec): string {
    const rowBytes = this.sample.sample.bytes / Math.max(1, this.sample.sample.rows);
    const chunkRows =
      spec.strategy === 'per-row' ? 1 : (spec.chunkRows ?? Math.max(1, (spec.chunkBytes ?? 0) / rowBytes));
    const rows = Math.ceil(chunkRows * MAX_CHUNKS_PER_RUN);
    if (rows >= this.sample.sample.rows) return this.sample.path;
    let sub = this.subSamples.get(rows);
    if (!sub) {
      sub = prepareSample(this.info, { rows }, this.tempDir, `sub-${rows}`);
      this.subSamples.set(rows, sub);
    }
    return sub.path;
  }

  /** One run; undefined when the sweep was stopped (budget or cancel) before or during it. */
  async measure(
    spec: SweepPointSpec,
    order: number,
  ): Promise<{ repeat: SweepRepeat; cost: RunCostSample; rows: number; onWholeSample: boolean } | undefined> {
    if (this.stopped) return undefined;
    const data = this.fileFor(spec);
    const controller = (this.currentRun = new AbortController());
    const startedAtMs = epochNow() - this.startedAt;
    try {
      // Results are written (then deleted) as a real run writes them: encoding is part of the cost.
      const report = await runDataset(
        {
          ...this.base,
          data,
          strategy: spec.strategy,
          workers: spec.workers,
          chunkRows: spec.chunkRows,
          chunkBytes: spec.chunkBytes,
          chunking: 'fixed',
          profile: false,
          out: this.outFile,
        },
        { signal: controller.signal, dispatcher: this.dispatcher },
      );
      const s = report.summary;
      this.runs++;
      return {
        repeat: {
          rowsPerSecond: s.rowsPerSecond,
          processingMs: s.processingMs,
          wallMs: s.wallMs,
          overheadShare: s.overheadShare,
          idleShare: s.idleShare,
          chunks: s.chunks,
          meanChunkRows: s.chunks > 0 ? s.rows / s.chunks : 0,
          order,
          startedAtMs,
          rows: s.rows,
          ...(s.nodes ? { nodes: s.nodes.map((n) => n.node) } : {}),
        },
        cost: runCostSample(report.chunks, {
          workers: spec.workers,
          processingMs: s.processingMs,
          startupMs: s.startupMs,
        }),
        rows: s.rows,
        onWholeSample: data === this.sample.path,
      };
    } catch (error) {
      if (this.stopped && error instanceof ChunkscopeError && error.code === 'cancelled') return undefined;
      throw error;
    } finally {
      this.currentRun = undefined;
      rmSync(this.outFile, { force: true });
    }
  }

  close(): void {
    clearTimeout(this.deadlineTimer);
    this.signal?.removeEventListener('abort', this.onCancel);
  }
}

/** The default grid: one row a chunk up to one chunk per worker, about ×4 apart. */
export function defaultChunkGrid(rows: number, maxWorkers: number): number[] {
  const top = Math.max(1, Math.ceil(rows / maxWorkers));
  const count = Math.max(2, Math.min(10, Math.round(Math.log(top) / Math.log(GRID_FACTOR)) + 1));
  return logSpaced(1, top, count);
}

export function machineInfo(): SweepReport['machine'] {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function checkList(name: string, values: number[] | undefined): void {
  if (values === undefined) return;
  if (values.length === 0) throw new ChunkscopeError('usage', `${name} needs at least one value`);
  for (const v of values)
    if (!Number.isInteger(v) || v < 1)
      throw new ChunkscopeError('usage', `${name} must be whole numbers of at least 1, got ${v}`);
}

/** Inspects the dataset and makes the sweep's private temp folder and sample (the caller removes the folder). */
export async function openSample(options: {
  data: string;
  delimiter?: string;
  header?: boolean;
  format?: RunOptions['format'];
  sample?: SampleSize;
  tempDir?: string;
}): Promise<{ info: DatasetInfo; sample: PreparedSample; tempDir: string }> {
  const info = await inspectDataset(path.resolve(options.data), {
    delimiter: options.delimiter,
    header: options.header,
    format: options.format,
  });
  const tempDir = mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'chunkscope-sweep-'));
  try {
    if ((info.compression ?? 'none') !== 'none') {
      // Sampled from the decompressed prefix; the sample's info is its plain file's (sub-samples read it).
      const compressed = await prepareCompressedSample(info, options.sample, tempDir);
      return { info: compressed.info, sample: compressed.prepared, tempDir };
    }
    return { info, sample: prepareSample(info, options.sample, tempDir), tempDir };
  } catch (error) {
    rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
}

export async function runSweep(options: SweepOptions, hooks: SweepHooks = {}): Promise<SweepReport> {
  const startedAt = epochNow();
  if (!options.processor) throw new ChunkscopeError('usage', 'No processor given (--processor FILE)');
  if (options.chunkRows && options.chunkBytes)
    throw new ChunkscopeError('usage', 'Sweep either chunk sizes in rows or in bytes, not both');
  checkList('Chunk rows', options.chunkRows);
  checkList('Chunk bytes', options.chunkBytes);
  checkList('Workers', options.workers);
  const repeats = options.repeats ?? DEFAULTS.sweep.repeats;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new ChunkscopeError('usage', `Repeats must be a whole number of at least 1, got ${repeats}`);
  if (options.budgetSeconds !== undefined && !(options.budgetSeconds > 0))
    throw new ChunkscopeError('usage', `The budget must be a number of seconds above 0, got ${options.budgetSeconds}`);
  let strategies = options.strategies ?? [DEFAULTS.sweep.strategy];
  for (const s of strategies)
    if (!STRATEGIES.includes(s))
      throw new ChunkscopeError('usage', `Unknown strategy ${JSON.stringify(s)}; choose from ${STRATEGIES.join(', ')}`);
  const top = hooks.cluster?.info.threads ?? os.availableParallelism();
  const asked = options.workers ?? Array.from({ length: top }, (_, i) => i + 1);
  const workerAxis = hooks.cluster ? clusterWorkerAxis(asked, top) : { workers: [...new Set(asked)], capped: [] };
  const workers = workerAxis.workers.sort((a, b) => a - b);
  const cluster = hooks.cluster ? { ...hooks.cluster.info, capped: workerAxis.capped } : undefined;

  const { info, sample, tempDir } = await openSample(options);
  if (info.table) {
    // A typed table runs only as byte-range (workers read their own row groups): other strategies are skipped.
    const applicable = strategies.filter((s) => s === 'byte-range');
    if (applicable.length === 0) {
      rmSync(tempDir, { recursive: true, force: true });
      throw new ChunkscopeError(
        'usage',
        `${info.path} is a Parquet file: only the byte-range strategy reads it (each worker reads its own row groups); ${strategies.join(', ')} read text formats`,
      );
    }
    strategies = applicable;
  }
  const runner = new PointRunner(
    info,
    sample,
    { ...options, processor: path.resolve(options.processor) },
    tempDir,
    hooks.signal,
    startedAt,
    options.budgetSeconds,
    hooks.cluster,
  );
  try {
    const sizeAxis: 'rows' | 'bytes' = options.chunkBytes ? 'bytes' : 'rows';
    const sizes = [
      ...new Set(
        options.chunkBytes ?? options.chunkRows ?? defaultChunkGrid(sample.sample.rows, workers[workers.length - 1]),
      ),
    ].sort((a, b) => a - b);
    const specs: SweepPointSpec[] = [];
    for (const strategy of strategies) {
      for (const w of workers) {
        // One task per row whatever the size: a single point per worker count.
        if (strategy === 'per-row') specs.push({ strategy, workers: w, chunkRows: 1 });
        else
          for (const size of sizes)
            specs.push(
              sizeAxis === 'bytes'
                ? { strategy, workers: w, chunkBytes: size }
                : { strategy, workers: w, chunkRows: size },
            );
      }
    }
    const tallies = specs.map((spec) => new PointTally(spec));
    const random = seededRandom(options.seed ?? Math.floor(startedAt));
    // Round 0 is the warm-up (discarded); every round visits every point once, in a fresh random order.
    const schedule: { tally: PointTally; warmUp: boolean }[] = [];
    for (let round = 0; round <= repeats; round++) {
      for (const tally of shuffle([...tallies], random)) schedule.push({ tally, warmUp: round === 0 });
    }
    const state: SweepState = {
      options,
      info,
      sample,
      sizes,
      axis: sizeAxis,
      workers,
      strategies,
      repeats,
      tallies,
      startedAt,
      runner,
      planned: schedule.length,
      cluster,
    };
    let measuredOrder = 0;
    for (let i = 0; i < schedule.length; i++) {
      const { tally, warmUp } = schedule[i];
      const result = await runner.measure(tally.spec, warmUp ? -1 : measuredOrder);
      if (!result) break;
      if (sample.sample.fraction === 1 && result.onWholeSample && sample.sample.rows !== result.rows) {
        // The whole file is the sample: replace the estimated row count with the counted one.
        sample.sample.rows = result.rows;
        sample.fileRows = result.rows;
      }
      hooks.onProgress?.(i + 1, schedule.length);
      if (warmUp) continue;
      tally.add(result.repeat, result.cost);
      measuredOrder++;
      hooks.onPoint?.(tally.toPoint(), buildReport(state));
    }
    return buildReport(state);
  } finally {
    runner.close();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

interface SweepState {
  options: SweepOptions;
  info: DatasetInfo;
  sample: PreparedSample;
  sizes: number[];
  axis: 'rows' | 'bytes';
  workers: number[];
  strategies: Strategy[];
  repeats: number;
  tallies: PointTally[];
  startedAt: number;
  runner: PointRunner;
  planned: number;
  cluster?: SweepClusterInfo;
}

/** The model for one strategy's measured runs, predicting for the whole file's rows. */
export function fitFromTallies(
  tallies: readonly PointTally[],
  strategy: Strategy,
  sampleRows: number,
  fileRows: number,
): CostModel | null {
  const costs = tallies.filter((t) => t.spec.strategy === strategy).flatMap((t) => t.costs);
  const model = fitCostModel(costs, fileRows);
  return model ? { ...model, strategy, sampleRows } : null;
}

function bestMeasured(points: SweepPoint[]): SweepPoint | undefined {
  let best: SweepPoint | undefined;
  for (const p of points) if (!best || p.rowsPerSecond.median > best.rowsPerSecond.median) best = p;
  return best;
}

/**
 * Per worker count: the model's optimum for the whole file when the model fits well and does not
 * undersell what was measured; otherwise the best measured point.
 */
export function recommend(
  points: SweepPoint[],
  model: CostModel | null,
  at: { sampleRows: number; fileRows: number; meanRowBytes: number; axis: 'rows' | 'bytes' },
): Recommendation[] {
  const out: Recommendation[] = [];
  for (const w of [...new Set(points.map((p) => p.workers))].sort((a, b) => a - b)) {
    const measured = bestMeasured(points.filter((p) => p.workers === w))!;
    const fromMeasured: Recommendation = {
      strategy: measured.strategy,
      workers: w,
      chunkRows: measured.chunkRows,
      chunkBytes: measured.chunkBytes,
      rowsPerSecond: measured.rowsPerSecond.median,
      source: 'measured',
    };
    if (
      !modelIsTrustworthy(model) ||
      model.strategy === 'per-row' ||
      (model.strategy && model.strategy !== measured.strategy)
    ) {
      out.push(fromMeasured);
      continue;
    }
    const measuredRows =
      measured.chunkRows ?? Math.max(1, Math.round((measured.chunkBytes ?? 0) / Math.max(1, at.meanRowBytes)));
    const scaledRows = sizeForFile(model, measuredRows, {
      sampleRows: at.sampleRows,
      fileRows: at.fileRows,
      workers: w,
    });
    if (scaledRows === undefined) {
      out.push(fromMeasured);
      continue;
    }
    const size =
      at.axis === 'bytes'
        ? { chunkBytes: Math.max(1, Math.round(scaledRows * at.meanRowBytes)) }
        : { chunkRows: scaledRows };
    out.push({
      strategy: measured.strategy,
      workers: w,
      ...size,
      rowsPerSecond: measured.rowsPerSecond.median,
      source: 'model',
    });
  }
  return out;
}

export function describeSample(s: SweepReport['sample']): string {
  if (s.note) return `Sample: ${formatBytes(s.bytes)} (${formatRows(s.rows)}). ${s.note}`;
  return s.fraction >= 1
    ? `Sample: the whole file (${formatBytes(s.bytes)}, ${formatRows(s.rows)}).`
    : `Sample: ${formatBytes(s.bytes)} (${formatPercent(s.fraction)} of the data, ${formatRows(s.rows)}) in ${s.ranges.length} byte ranges spread from the start to the end of the ${formatBytes(s.fileBytes)} file, cut at record boundaries.`;
}

function buildReport(state: SweepState): SweepReport {
  const { sample, tallies, runner } = state;
  const points = tallies.filter((t) => t.repeats.length > 0).map((t) => t.toPoint());
  const best = bestMeasured(points);
  const sampleRows = sample.sample.rows;
  const model = best ? fitFromTallies(tallies, best.strategy, sampleRows, sample.fileRows) : null;
  const meanRowBytes = sample.sample.rows > 0 ? sample.sample.bytes / sample.sample.rows : state.info.meanRowBytes;
  const recommendations = recommend(points, model, {
    sampleRows,
    fileRows: sample.fileRows,
    meanRowBytes,
    axis: state.axis,
  });
  const explanation: string[] = [describeSample(sample.sample)];
  if (state.cluster) explanation.push(describeCluster(state.cluster));
  if (best)
    explanation.push(
      `Best measured: ${best.key} at ${formatInt(best.rowsPerSecond.median)} rows/s (median of ${best.repeats.length}).`,
    );
  if (model) {
    const top = recommendations[recommendations.length - 1];
    const workers = top?.workers ?? best?.workers ?? 1;
    const bestRows =
      top && top.source === 'model'
        ? (top.chunkRows ?? (top.chunkBytes ? Math.round(top.chunkBytes / meanRowBytes) : undefined))
        : undefined;
    explanation.push(...explainModel(model, { rows: sample.fileRows, workers, best: bestRows }));
    if (!modelIsTrustworthy(model))
      explanation.push(
        'The model does not fit the measurements closely, so the recommendations are the best measured points.',
      );
  } else if (points.length > 0) {
    explanation.push('Too few chunk sizes were measured to fit the cost model.');
  }
  if (runner.stopped === 'budget')
    explanation.push(
      `The budget of ${state.options.budgetSeconds} s ran out: ${points.length} of ${tallies.length} points measured; the run in progress was discarded.`,
    );
  if (runner.stopped === 'cancelled')
    explanation.push(
      `Cancelled: ${points.length} of ${tallies.length} points measured; the run in progress was discarded.`,
    );
  return {
    kind: 'sweep',
    data: path.resolve(state.options.data),
    processor: path.resolve(state.options.processor),
    format: state.info.format,
    sample: sample.sample,
    grid: { axis: state.axis, sizes: state.sizes, workers: state.workers, strategies: state.strategies },
    repeats: state.repeats,
    points,
    model,
    best: best
      ? {
          strategy: best.strategy,
          workers: best.workers,
          chunkRows: best.chunkRows,
          chunkBytes: best.chunkBytes,
          key: best.key,
          rowsPerSecond: best.rowsPerSecond.median,
        }
      : null,
    recommendations,
    explanation,
    stopped: runner.stopped,
    budgetSeconds: state.options.budgetSeconds,
    fileRows: sample.fileRows,
    runsDone: runner.runsDone,
    runsPlanned: state.planned,
    startedAtEpochMs: state.startedAt,
    wallMs: epochNow() - state.startedAt,
    machine: machineInfo(),
    ...(state.cluster ? { cluster: state.cluster } : {}),
  };
}

// The tuner: a guided search instead of the full grid. A short scaling probe picks the worker
// count; three chunk sizes far apart fit the cost model; the model's optimum and its neighbours are
// measured; the best measured setting wins. Settings can be saved per dataset + processor pair.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { epochNow } from '../base/clock';
import { bestChunkRows, modelIsTrustworthy, sizeForFile } from './cost-fit';
import { describeCostModel } from './cost-model';
import { formatInt, formatPercent } from '../base/format';
import { ChunkscopeError } from '../base/errors';
import { DEFAULTS } from '../options';
import { readTuningFile, writeTuningFile } from './tuning-file';
import type { SampleSize } from '../read/sample';
import {
  clusterWorkerAxis,
  describeCluster,
  describeSample,
  fitFromTallies,
  openSample,
  PointRunner,
  PointTally,
  type SweepCluster,
  type SweepRunOptions,
} from './sweep';
import { logSpaced } from '../base/stats';
import type {
  CostModel,
  Recommendation,
  SavedTuningEntry,
  SweepPointSpec,
  TuneResult,
  WorkersProbe,
} from '../model/sweep';
import type { Strategy } from '../model';

export interface TuneOptions extends SweepRunOptions {
  data: string;
  processor: string;
  strategy?: Strategy;
  /** A fixed worker count, or 'auto' (the default): the scaling probe decides. */
  workers?: number | 'auto';
  sample?: SampleSize;
  budgetSeconds?: number;
  tempDir?: string;
  /** Save the result to this tuning file (e.g. `.chunkscope/tuning.json`). */
  saveTo?: string;
}

export interface TuneHooks {
  signal?: AbortSignal;
  /** One line per step, for a progress display. */
  onStep?: (message: string) => void;
  /** Every trial runs through this cluster; the probe's top is the threads its nodes registered. */
  cluster?: SweepCluster;
}

/** A worker counts as worth adding when throughput rises by at least this much. */
const MIN_SCALING_GAIN = 1.1;
/** Workers idle this much of the time were waiting for the main thread, not for their cores. */
const STARVED_IDLE_SHARE = 0.25;
const PROBE_CHUNKS_PER_WORKER = 16;
export const DEFAULT_TUNING_FILE = DEFAULTS.tune.file;

/**
 * Adds workers one at a time (two runs each, the better kept: a probe asks "can it go faster",
 * and interference only ever slows a run) until throughput rises by less than 10 %, then says why.
 */
export async function probeWorkers(
  runner: PointRunner,
  strategy: Strategy,
  rows: number,
  maxWorkers: number,
  onStep?: (m: string) => void,
  onCluster = false,
): Promise<WorkersProbe | undefined> {
  const chunkRows = Math.max(1, Math.round(rows / (maxWorkers * PROBE_CHUNKS_PER_WORKER)));
  const steps: WorkersProbe['steps'] = [];
  if (!(await runner.measure({ strategy, workers: 1, chunkRows }, -1))) return undefined; // warm-up
  for (let workers = 1; workers <= maxWorkers; workers++) {
    let best: { rowsPerSecond: number; idleShare: number } | undefined;
    for (let i = 0; i < 2; i++) {
      const run = await runner.measure({ strategy, workers, chunkRows }, -1);
      if (!run) return undefined;
      if (!best || run.repeat.rowsPerSecond > best.rowsPerSecond) best = run.repeat;
    }
    steps.push({ workers, rowsPerSecond: best!.rowsPerSecond, idleShare: best!.idleShare, chunkRows });
    onStep?.(`${workers} worker${workers === 1 ? '' : 's'}: ${formatInt(best!.rowsPerSecond)} rows/s`);
    const previous = steps[steps.length - 2];
    if (previous && best!.rowsPerSecond < previous.rowsPerSecond * MIN_SCALING_GAIN) {
      const gain = formatPercent(best!.rowsPerSecond / previous.rowsPerSecond - 1);
      const idle = formatPercent(best!.idleShare);
      const starved = best!.idleShare >= STARVED_IDLE_SHARE;
      return {
        chosen: previous.workers,
        reason: starved ? 'main-thread' : 'memory-bandwidth',
        explanation: starved
          ? `Going from ${previous.workers} to ${workers} workers changed throughput by ${gain}: workers were idle ${idle} of the time waiting for the main thread to hand out chunks (main-thread bound).`
          : `Going from ${previous.workers} to ${workers} workers changed throughput by ${gain} although workers were busy (idle ${idle}): each got slower, as when threads compete for memory bandwidth or caches, or other programs use the cores.`,
        steps,
      };
    }
  }
  const last = steps[steps.length - 1];
  return {
    chosen: last.workers,
    reason: 'cores',
    explanation: onCluster
      ? `Throughput rose with every worker up to ${last.workers}, the threads the cluster's nodes registered (${formatInt(last.rowsPerSecond)} rows/s).`
      : `Throughput rose with every worker up to ${last.workers}, the number of cores this machine makes available (${formatInt(last.rowsPerSecond)} rows/s).`,
    steps,
  };
}

export async function tune(options: TuneOptions, hooks: TuneHooks = {}): Promise<TuneResult> {
  const startedAt = epochNow();
  if (!options.processor) throw new ChunkscopeError('usage', 'No processor given (--processor FILE)');
  let strategy: Strategy = options.strategy ?? 'byte-range';
  if (strategy === 'per-row')
    throw new ChunkscopeError(
      'usage',
      'The per-row strategy has no chunk size to tune; choose byte-range, batches or shared-columns',
    );
  let fixedWorkers = options.workers === 'auto' || options.workers === undefined ? undefined : options.workers;
  if (fixedWorkers !== undefined && (!Number.isInteger(fixedWorkers) || fixedWorkers < 1))
    throw new ChunkscopeError('usage', `Workers must be a whole number of at least 1 or "auto", got ${fixedWorkers}`);
  const maxWorkers = hooks.cluster?.info.threads ?? os.availableParallelism();
  let cluster: TuneResult['cluster'];
  if (hooks.cluster) {
    const axis = clusterWorkerAxis(fixedWorkers === undefined ? [] : [fixedWorkers], maxWorkers);
    if (fixedWorkers !== undefined) fixedWorkers = axis.workers[0];
    cluster = { ...hooks.cluster.info, capped: axis.capped };
  }
  const { info, sample, tempDir } = await openSample(options);
  if (options.strategy === undefined && sample.defaultStrategy) strategy = sample.defaultStrategy;
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
    const stoppedEarly = () =>
      new ChunkscopeError(
        'cancelled',
        runner.stopped === 'budget'
          ? `Tuning ran out of its ${options.budgetSeconds} s budget before it could choose`
          : 'Tuning cancelled',
      );
    let rows = sample.sample.rows;
    let probe: WorkersProbe | undefined;
    let workers = fixedWorkers;
    if (workers === undefined) {
      probe = await probeWorkers(runner, strategy, rows, maxWorkers, hooks.onStep, !!hooks.cluster);
      if (!probe) throw stoppedEarly();
      workers = probe.chosen;
    }
    const tallies = new Map<number, PointTally>();
    const measure = async (chunkRows: number, times: number): Promise<void> => {
      let tally = tallies.get(chunkRows);
      if (!tally) tallies.set(chunkRows, (tally = new PointTally({ strategy, workers: workers!, chunkRows })));
      for (let i = 0; i < times; i++) {
        const run = await runner.measure(tally.spec, runner.runsDone);
        if (!run) throw stoppedEarly();
        if (run.onWholeSample && sample.sample.fraction === 1) rows = sample.sample.rows = sample.fileRows = run.rows;
        tally.add(run.repeat, run.cost);
      }
      hooks.onStep?.(`${formatInt(chunkRows)} rows a chunk: ${formatInt(tally.toPoint().rowsPerSecond.median)} rows/s`);
    };
    if (
      !probe &&
      !(await runner.measure(
        { strategy, workers, chunkRows: Math.max(1, Math.round(rows / (workers * PROBE_CHUNKS_PER_WORKER))) },
        -1,
      ))
    )
      throw stoppedEarly();

    // Three sizes far apart: tiny chunks show the fixed cost, large ones the cost per row and the tail.
    const top = Math.max(1, Math.floor(rows / (workers * 2)));
    const opening = logSpaced(Math.max(1, Math.round(rows / (workers * 1024))), top, 3);
    for (const size of opening) await measure(size, 1);
    const model = fitFromTallies([...tallies.values()], strategy, rows, sample.fileRows);
    const bestSoFar = () =>
      [...tallies.values()]
        .map((t) => t.toPoint())
        .reduce((a, b) => (b.rowsPerSecond.median > a.rowsPerSecond.median ? b : a));
    const centre = model ? bestChunkRows(model, { rows, workers }).chunkRows : bestSoFar().chunkRows!;
    const spread = model ? 2 : 4;
    const candidates = [
      ...new Set(
        [Math.round(centre / spread), centre, Math.round(centre * spread)].map((c) =>
          Math.max(1, Math.min(c, Math.ceil(rows / workers))),
        ),
      ),
    ];
    const near = (a: number, b: number) => Math.abs(Math.log(a / b)) < Math.log(1.15);
    for (const c of candidates) {
      const known = [...tallies.keys()].find((k) => near(k, c));
      await measure(known ?? c, known === undefined ? 2 : 1);
    }
    // The two best so far get a third run: the winner is a median, not one lucky run.
    const ranked = [...tallies.values()].sort(
      (a, b) => b.toPoint().rowsPerSecond.median - a.toPoint().rowsPerSecond.median,
    );
    for (const t of ranked.slice(0, 2)) await measure(t.spec.chunkRows!, Math.max(0, 3 - t.repeats.length));

    const finalModel = fitFromTallies([...tallies.values()], strategy, rows, sample.fileRows) ?? model;
    const winner = bestSoFar();
    let recommendation: Recommendation = {
      strategy,
      workers,
      chunkRows: winner.chunkRows,
      rowsPerSecond: winner.rowsPerSecond.median,
      source: 'measured',
    };
    if (sample.sample.fraction < 1 && modelIsTrustworthy(finalModel)) {
      const moved = sizeForFile(finalModel, winner.chunkRows!, {
        sampleRows: rows,
        fileRows: sample.fileRows,
        workers,
      });
      if (moved !== undefined)
        recommendation = {
          strategy,
          workers,
          chunkRows: moved,
          rowsPerSecond: winner.rowsPerSecond.median,
          source: 'model',
        };
    }
    const points = [...tallies.values()].map((t) => t.toPoint()).sort((a, b) => a.chunkRows! - b.chunkRows!);
    const result: TuneResult = {
      kind: 'tune',
      data: path.resolve(options.data),
      processor: path.resolve(options.processor),
      recommendation,
      explanation:
        (cluster ? describeCluster(cluster) + ' ' : '') +
        explainTune({
          recommendation,
          winnerRows: winner.chunkRows!,
          model: finalModel,
          probe,
          points: points.length,
          runs: runner.runsDone,
          seconds: (epochNow() - startedAt) / 1000,
          sampleText: describeSample(sample.sample),
        }),
      points,
      model: finalModel,
      wallMs: epochNow() - startedAt,
      workersProbe: probe,
      sample: sample.sample,
      runs: runner.runsDone,
      ...(cluster ? { cluster } : {}),
    };
    if (options.saveTo) result.savedTo = saveTuning(options.saveTo, result);
    return result;
  } finally {
    runner.close();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

function explainTune(t: {
  recommendation: Recommendation;
  winnerRows: number;
  model: CostModel | null;
  probe?: WorkersProbe;
  points: number;
  runs: number;
  seconds: number;
  sampleText: string;
}): string {
  const r = t.recommendation;
  const parts = [
    `Tried ${t.probe ? `${t.probe.steps.length} worker count${t.probe.steps.length === 1 ? '' : 's'} and ` : ''}${t.points} chunk sizes in ${t.runs} runs (${t.seconds.toFixed(1)} s). ${t.sampleText}`,
  ];
  if (t.probe) parts.push(`${t.probe.explanation} So: ${t.probe.chosen} worker${t.probe.chosen === 1 ? '' : 's'}.`);
  if (t.model) {
    const m = t.model;
    parts.push(
      `${describeCostModel(m)} Smaller chunks pay the per-chunk cost more often; larger ones leave workers idle while the last chunks finish.`,
    );
  }
  parts.push(
    r.source === 'model'
      ? `The best size measured on the sample was ${formatInt(t.winnerRows)} rows (${formatInt(r.rowsPerSecond)} rows/s); on the whole file the model moves the optimum to ${formatInt(r.chunkRows!)} rows a chunk on ${r.workers} worker${r.workers === 1 ? '' : 's'}.`
      : `Best measured: ${formatInt(r.chunkRows!)} rows a chunk on ${r.workers} worker${r.workers === 1 ? '' : 's'} with ${r.strategy}, ${formatInt(r.rowsPerSecond)} rows/s (median).`,
  );
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Saved tuning: `.chunkscope/tuning.json`, read by `chunkscope run` when the user gave no sizes.

export function tuningKey(data: string, processor: string): string {
  return `${path.resolve(data)}::${path.resolve(processor)}`;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Adds or replaces this pair's entry; returns the file's path. */
export function saveTuning(file: string, result: TuneResult): string {
  const saved = readTuningFile(file);
  const r = result.recommendation;
  const stat = statSync(result.data);
  const entry: SavedTuningEntry = {
    strategy: r.strategy,
    workers: r.workers,
    chunkRows: r.chunkRows,
    chunkBytes: r.chunkBytes,
    data: result.data,
    processor: result.processor,
    rowsPerSecond: r.rowsPerSecond,
    tunedAtEpochMs: Date.now(),
    dataBytes: stat.size,
    dataMtimeMs: stat.mtimeMs,
    processorSha256: sha256Of(result.processor),
  };
  saved.entries[tuningKey(result.data, result.processor)] = entry;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeTuningFile(file, saved);
  return path.resolve(file);
}

/**
 * The saved settings for this pair, or why they no longer apply: tuning is only as good as the
 * data and code it was measured on, so a changed dataset or processor makes the entry stale.
 */
export function findSavedTuning(
  file: string,
  data: string,
  processor: string,
): { entry: SavedTuningEntry } | { stale: string } | undefined {
  const entry = readTuningFile(file).entries[tuningKey(data, processor)];
  if (!entry) return undefined;
  const stat = statSync(path.resolve(data));
  if (stat.size !== entry.dataBytes || stat.mtimeMs !== entry.dataMtimeMs)
    return { stale: `${data} changed since it was tuned` };
  if (sha256Of(path.resolve(processor)) !== entry.processorSha256)
    return { stale: `${processor} changed since it was tuned` };
  return { entry };
}

export function describeSetting(spec: SweepPointSpec): string {
  const size =
    spec.chunkRows !== undefined
      ? `${formatInt(spec.chunkRows)} rows a chunk`
      : `${formatInt(spec.chunkBytes ?? 0)} bytes a chunk`;
  return `${spec.strategy}, ${spec.workers} worker${spec.workers === 1 ? '' : 's'}, ${size}`;
}

/** `--workers auto` for a run: the scaling probe alone, on a small sample of the dataset. */
export async function chooseWorkerCount(
  options: SweepRunOptions & { data: string; processor: string; strategy?: Strategy; tempDir?: string },
  signal?: AbortSignal,
  cluster?: SweepCluster,
): Promise<WorkersProbe> {
  const startedAt = epochNow();
  const { info, sample, tempDir } = await openSample({ ...options, sample: { rows: 20_000 } });
  const runner = new PointRunner(
    info,
    sample,
    { ...options, processor: path.resolve(options.processor) },
    tempDir,
    signal,
    startedAt,
    undefined,
    cluster,
  );
  try {
    const probe = await probeWorkers(
      runner,
      options.strategy ?? sample.defaultStrategy ?? 'byte-range',
      sample.sample.rows,
      cluster?.info.threads ?? os.availableParallelism(),
      undefined,
      !!cluster,
    );
    if (!probe) throw new ChunkscopeError('cancelled', 'Cancelled while choosing the worker count');
    return probe;
  } finally {
    runner.close();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

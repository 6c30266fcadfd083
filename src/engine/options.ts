// Every default in one place, and the checks that turn a caller's options into a complete plan.
import os from 'node:os';
import path from 'node:path';
import { ChunkscopeError } from './base/errors';
import type { OnError, RowShape, RunOptions, Strategy, TypeMode } from './model';

export const STRATEGIES: readonly Strategy[] = ['per-row', 'batches', 'byte-range', 'shared-columns'];

export const DEFAULTS = {
  strategy: 'byte-range' as Strategy,
  /** About 1 MB keeps per-task overhead (postMessage, scheduling) far below the work in a chunk. */
  chunkBytes: 1 << 20,
  chunkRows: 10_000,
  onError: 'stop' as OnError,
  chunkTimeout: 0,
  /**
   * Chunks a worker holds at once: the one it runs and the next two (run/dispatcher.ts). With one held,
   * a main thread late by a chunk's time (it shares the cores) still left workers idle: 3 gave the
   * default job 2.7–2.9 % idle against 3.8–4.4 % (bench/README.md).
   */
  tasksPerWorker: 3,
  /** Chunks in flight per worker: enough to keep every worker fed (finished chunks wait to be written in order), few enough to bound memory. */
  inFlightPerWorker: 4,
  /** per-row tasks are tiny; a deeper queue hides their dispatch latency a little. */
  inFlightPerWorkerPerRow: 16,
  /** Results of skipped rows kept in memory for the report (the errors file has them all). */
  maxErrorsInReport: 1000,
  /** Seconds to wait for every worker to load the processor and run setup(). */
  setupTimeoutSeconds: 60,
  watchdogIntervalMs: 100,
  /** chunking 'auto' (adaptive-chunks.ts). */
  adaptive: {
    /** Small first chunks: every worker has work within a millisecond or two. */
    startBytes: 64 << 10,
    minBytes: 4 << 10,
    /** Chunks in flight are held in memory twice per worker (as bytes, then as rows and results). */
    maxBytes: 32 << 20,
    /** joblib keeps batches under 2 s; shorter keeps progress, balance and the live view fine-grained. */
    maxChunkMs: 1000,
    /** The main thread spends ~0.5 ms on each chunk (dispatch, receipt, checks, output): chunks under 5 ms always grow. */
    minChunkMs: 5,
    /** A chunk timeout caps chunks at this share of it, so growing never trips the timeout. */
    maxShareOfChunkTimeout: 0.25,
    overheadTarget: 0.03,
    minGain: 0.01,
    tailChunksPerWorker: 4,
    sampleChunksPerWorker: 3,
    sampleMsPerWorker: 25,
    /**
     * Settled but the hand-off still over this many times the target: one noisy comparison (another
     * program on the cores, a GC pause) may have stopped the growth too early, so doubling is tried
     * again, at most maxRegrowths times a run.
     */
    regrowOverheadFactor: 3,
    maxRegrowths: 2,
    /** Cold code ran the default job's first 64 KiB chunks at 120–170 ms per MB, warm ~23 (bench/README.md). */
    warmupMsPerWorker: 100,
  },
  /** Blocks of this size when the main thread reads ranges of the file (splitting, samples). */
  readBlockBytes: 4 << 20,
  /** CPU profiles (profile/capture.ts). */
  profile: {
    /** 1 ms, Node's own --cpu-prof default: enough samples per chunk, a few % of overhead at most. */
    intervalUs: 1000,
    /** Finer than this and the sampler itself dominates the thread. */
    minIntervalUs: 50,
  },
  /** Chunk-size sweeps (tune/sweep.ts). */
  sweep: {
    /** Measured runs per point, after one discarded warm-up run. */
    repeats: 3,
    strategy: 'byte-range' as Strategy,
    /** Without --sample: at most this much data, so a sweep of a large file stays minutes, not hours. */
    sampleBytes: 16 << 20,
    /**
     * Tiny chunks cost a fixed ~50–200 µs each: 100,000 one-row chunks would take many seconds a run.
     * Such points run on a sub-sample (also spread over the file) holding this many chunks; throughput
     * and the fit are per run, so they stay comparable with the others.
     */
    maxChunksPerRun: 4000,
  },
  /** Cluster runs on BullMQ/Redis (src/cluster, README "Run on many machines"). */
  cluster: {
    queue: 'chunkscope',
    /** Seconds a run waits for --min-workers to be connected before it gives up with a message. */
    waitWorkersSeconds: 30,
    minWorkers: 1,
    /**
     * A worker's job lock, and how often workers look for stalled jobs: a worker that dies holds its
     * chunk this long at most before it is re-delivered (BullMQ's own defaults; tests use 1-2 s).
     */
    lockMs: 30_000,
    stalledIntervalMs: 30_000,
    /** Deliveries of a chunk whose worker failed (a thread out of memory, EIO); row errors are never retried. */
    attempts: 3,
    backoffMs: 1000,
    /** The coordinator's `alive` key: workers drop a run whose coordinator stopped refreshing it. */
    aliveMs: 10_000,
    /** Workers refresh their entry in the worker list this often; entries this old are gone. */
    heartbeatMs: 2000,
    staleWorkerMs: 15_000,
    /** A result's bytes wait in Redis at most this long (a coordinator that died never reads them). */
    resultTtlMs: 3_600_000,
    /**
     * Adaptive chunking starts here on a cluster: a chunk's trip through Redis cost ~4-5 ms more than
     * through the local pool, which falls under 3 % of a chunk's work from ~5-6 MiB of the bench job
     * (bench/cluster.mjs on a loaded 2-core machine); the chunker grows chunks further as it measures.
     */
    startBytes: 4 << 20,
    /** Jobs in flight per registered thread: one running and one waiting on each. */
    inFlightPerThread: 2,
    /** Redis TIME samples per clock estimate (the one with the smallest round trip wins), and how often. */
    clockSamples: 8,
    clockProbeMs: 10_000,
    /** A chunk without an event for this long is looked up in Redis (events are best effort). */
    reconcileAfterMs: 2000,
    reconcileIntervalMs: 1000,
    /** Head and tail bytes of the data hashed into its fingerprint. */
    fingerprintBytes: 64 << 10,
  },
  /** The tuner (tune/tune.ts). */
  tune: {
    /** Where `tune --save` keeps settings, relative to the folder it runs in. */
    file: path.join('.chunkscope', 'tuning.json'),
  },
  /** Run records (report/run-record.ts): what the language server's lenses and pairing read after a reload. */
  runRecords: {
    /** Under the processor's project folder (nearest package.json or .git, else the processor's folder). */
    dir: path.join('.chunkscope', 'runs'),
    /** Records kept per processor: the newest win, older ones are deleted when a run writes one. */
    keepPerProcessor: 20,
  },
} as const;

export interface ResolvedOptions {
  data: string;
  processor: string;
  strategy: Strategy;
  workers: number;
  chunkRows?: number;
  chunkBytes?: number;
  /** 'auto' sizes chunks during the run (chunkRows / chunkBytes, if given, is the start); per-row is always 'fixed'. */
  chunking: 'auto' | 'fixed';
  out?: string;
  onError: OnError;
  chunkTimeoutMs: number;
  delimiter?: string;
  header: boolean;
  rowShape?: RowShape;
  types?: TypeMode;
  format?: RunOptions['format'];
  maxWorkerMemoryMb?: number;
}

function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1)
    throw new ChunkscopeError('usage', `${name} must be a whole number of at least 1, got ${value}`);
  return value;
}

/** A file name without its last extension and without a trailing .results / .timings. */
function runStem(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  return (ext && ext !== base ? base.slice(0, -ext.length) : base).replace(/\.(results|timings)$/i, '') || 'run';
}

/**
 * Where a profiled run's .cpuprofile files go without profileDir: where people look for them (as
 * `node --cpu-prof` and 0x write into the current folder, not a temp folder gone after a reboot).
 * NAME.profiles beside the timings file, else beside the results file, else
 * `<dataset>.<processor>.profiles` in the caller's folder.
 */
export function defaultProfileDir(options: Pick<RunOptions, 'data' | 'processor' | 'out' | 'timings' | 'cwd'>): string {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  // The caller writes the timings file (from its cwd); the engine writes out as resolveRunOptions does.
  const beside = options.timings ? path.resolve(cwd, options.timings) : options.out && path.resolve(options.out);
  if (beside) return path.join(path.dirname(beside), `${runStem(beside)}.profiles`);
  const stem = (file: string) => runStem(file).replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_');
  return path.join(cwd, `${stem(options.data)}.${stem(options.processor)}.profiles`);
}

export function resolveRunOptions(options: RunOptions): ResolvedOptions {
  if (!options.data) throw new ChunkscopeError('usage', 'No dataset given');
  if (!options.processor) throw new ChunkscopeError('usage', 'No processor given (--processor FILE)');
  const strategy = options.strategy ?? DEFAULTS.strategy;
  if (!STRATEGIES.includes(strategy)) {
    throw new ChunkscopeError(
      'usage',
      `Unknown strategy ${JSON.stringify(strategy)}; choose one of ${STRATEGIES.join(', ')}`,
    );
  }
  if (options.chunkRows !== undefined && options.chunkBytes !== undefined) {
    throw new ChunkscopeError('usage', 'Give either a chunk size in rows or in bytes, not both');
  }
  if (options.chunking !== undefined && options.chunking !== 'auto' && options.chunking !== 'fixed') {
    throw new ChunkscopeError('usage', `chunking must be auto or fixed, got ${JSON.stringify(options.chunking)}`);
  }
  const sizeGiven = options.chunkRows !== undefined || options.chunkBytes !== undefined;
  // One row per task is per-row's whole point: there is no size to adapt.
  const chunking = strategy === 'per-row' ? 'fixed' : (options.chunking ?? (sizeGiven ? 'fixed' : 'auto'));
  const onError = options.onError ?? DEFAULTS.onError;
  if (onError !== 'stop' && onError !== 'skip')
    throw new ChunkscopeError('usage', `on-error must be stop or skip, got ${JSON.stringify(onError)}`);
  const chunkTimeout = options.chunkTimeout ?? DEFAULTS.chunkTimeout;
  if (!(chunkTimeout >= 0))
    throw new ChunkscopeError('usage', `chunk timeout must be a number of seconds ≥ 0, got ${chunkTimeout}`);
  if (options.rowShape && !['object', 'array', 'columns'].includes(options.rowShape)) {
    throw new ChunkscopeError(
      'usage',
      `row shape must be object, array or columns, got ${JSON.stringify(options.rowShape)}`,
    );
  }
  if (options.types && !['string', 'infer'].includes(options.types)) {
    throw new ChunkscopeError('usage', `types must be string or infer, got ${JSON.stringify(options.types)}`);
  }
  return {
    data: path.resolve(options.data),
    processor: path.resolve(options.processor),
    strategy,
    workers: positiveInteger('workers', options.workers) ?? os.availableParallelism(),
    chunkRows: positiveInteger('chunk rows', options.chunkRows),
    chunkBytes: positiveInteger('chunk bytes', options.chunkBytes),
    chunking,
    out: options.out ? path.resolve(options.out) : undefined,
    onError,
    chunkTimeoutMs: chunkTimeout * 1000,
    delimiter: options.delimiter,
    header: options.header !== false,
    rowShape: options.rowShape,
    types: options.types,
    format: options.format,
    maxWorkerMemoryMb: positiveInteger('max worker memory (MB)', options.maxWorkerMemoryMb),
  };
}

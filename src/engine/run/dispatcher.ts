// Every hand-off from the run to its workers goes through ChunkDispatcher, in the plain task and
// result types of the protocol, so whatever runs the tasks (threads here, a cluster queue later)
// the run builds its records, order and output the same way. PiscinaDispatcher is the thread pool.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Piscina } from 'piscina';
import { DEFAULTS } from '../options';
import type { ChunkResult, ChunkTask, FoldTask, InitResult, InitTask, RangeTask } from '../model/protocol';

export interface ChunkDispatcher {
  /**
   * Where adaptive chunking starts when the caller gave no size (default: DEFAULTS.adaptive.startBytes):
   * a dispatcher whose hand-off costs more per chunk (a cluster's queue) starts with bigger chunks.
   */
  readonly startBytes?: number;
  /**
   * A barrier round (init or teardown): the task once on each of `task.workers` workers, one each.
   * One promise per worker, so the first failure can stop the run while the others still wait.
   */
  barrier(task: InitTask): Promise<InitResult>[];
  /** One chunk; `transferList` holds buffers of the task handed over rather than copied. */
  chunk(task: ChunkTask, transferList?: ArrayBuffer[]): Promise<ChunkResult>;
  /** The range parsed again from its verified true first record start (`start`), not a guess. */
  reparse(task: RangeTask, start: number): Promise<ChunkResult>;
  /** Folds partial results with the processor's combine(). */
  fold(task: FoldTask): Promise<{ value: unknown }>;
  /** Stops at once (a failure or cancel): every pending task rejects, even one stuck in a loop. */
  stop(): void;
  /** Releases the workers at the end of a run, failed or not; never rejects. */
  destroy(): Promise<void>;
}

export interface PiscinaDispatcherOptions {
  workers: number;
  maxWorkerMemoryMb?: number;
}

// The worker entry sits beside the bundle in dist/ (one flat folder) and in its stage folder in out/ (tsc).
const WORKER_FILE =
  [path.join(__dirname, 'chunk-worker.js'), path.join(__dirname, '..', 'worker', 'chunk-worker.js')].find((file) =>
    existsSync(file),
  ) ?? path.join(__dirname, 'chunk-worker.js');

export class PiscinaDispatcher implements ChunkDispatcher {
  private readonly pool: Piscina;
  /** Barrier tasks carry this signal: it lets stop() end them, and keeps piscina from doubling them up. */
  private readonly abort = new AbortController();

  constructor({ workers, maxWorkerMemoryMb }: PiscinaDispatcherOptions) {
    // Warm and fixed: threads are neither started nor stopped mid-run; the queue is bounded by the run.
    this.pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Infinity,
      // piscina's run/wait-time histograms are read by nothing here; recording them is main-thread
      // work on every task, on a thread that shares the cores with the workers.
      recordTiming: false,
      // A worker holds its next chunks while it runs one, so it starts the next as soon as it has
      // posted a result instead of waiting a round trip through the main thread (which on a 2-core
      // machine shares the cores with the workers: 0.6–0.9 ms a chunk, bench/README.md). The worker
      // still runs its chunks one at a time (chunk-worker.ts). Only tasks without an abort signal are
      // doubled up (piscina's balancer), so init and teardown, which carry one, each get a worker of
      // their own, as their barrier needs.
      concurrentTasksPerWorker: DEFAULTS.tasksPerWorker,
      resourceLimits: maxWorkerMemoryMb
        ? { maxOldGenerationSizeMb: maxWorkerMemoryMb, maxYoungGenerationSizeMb: Math.min(16, maxWorkerMemoryMb) }
        : undefined,
    });
    // Errors from a dying worker also surface as rejected tasks; this keeps them from being unhandled.
    this.pool.on('error', () => undefined);
    // Every barrier task listens on this one signal.
    setMaxListeners(Infinity, this.abort.signal);
  }

  barrier(task: InitTask): Promise<InitResult>[] {
    return Array.from(
      { length: task.workers },
      () => this.pool.run(task, { signal: this.abort.signal }) as Promise<InitResult>,
    );
  }

  chunk(task: ChunkTask, transferList?: ArrayBuffer[]): Promise<ChunkResult> {
    return this.pool.run(task, { transferList: transferList as never });
  }

  reparse(task: RangeTask, start: number): Promise<ChunkResult> {
    return this.pool.run({ ...task, start, speculative: false });
  }

  fold(task: FoldTask): Promise<{ value: unknown }> {
    return this.pool.run(task);
  }

  stop(): void {
    this.abort.abort();
    // Chunk tasks carry no abort signal (see concurrentTasksPerWorker): stopping the threads
    // rejects them, so nothing waits on a worker that is stuck in a loop.
    this.pool.destroy().catch(() => undefined);
  }

  destroy(): Promise<void> {
    return this.pool.destroy().catch(() => undefined);
  }
}

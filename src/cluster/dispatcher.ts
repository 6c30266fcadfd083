// The coordinator's side of a cluster run: a ChunkDispatcher whose tasks are BullMQ jobs. The run
// (src/engine/run/run.ts) keeps the plan, the start checks, the in-order output and combine; this
// only carries chunks. Delivery is at least once; a chunk's result is taken once (the first that
// arrives for its job id), and BullMQ itself refuses a completion from a worker that lost its lock.
// Events are best effort (their stream is trimmed, and lost while it starts), so a reconcile sweep
// reads the state of every job in flight for long without an event.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import v8 from 'node:v8';
import type { Queue, QueueEvents } from 'bullmq';
import {
  ChunkscopeError,
  DEFAULTS,
  epochNow,
  type ChunkDispatcher,
  type ChunkResult,
  type ChunkTask,
  type FoldTask,
  type InitResult,
  type InitTask,
  type RangeTask,
  type ResolvedOptions,
} from '../engine';
import { ClockKeeper } from './clock';
import { dataFingerprint, fileSha256 } from './fingerprint';
import { jobIds, runKeys } from './keys';
import { PROTOCOL_VERSION, type JobData, type JobReturn, type RunConfig } from './protocol';
import { bullmq, connect, safeUrl, scanKeys, type Redis } from './redis';
import { liveWorkers } from './status';

export interface ClusterSettings {
  url: string;
  queue?: string;
  /** Workers (machines) that must be connected before chunks are handed out. */
  minWorkers?: number;
  waitWorkersSeconds?: number;
  /** Tells the user what the run is waiting for. */
  log?: (line: string) => void;
}

interface Pending {
  id: string;
  addedAt: number;
  settled: boolean;
  resolve: (value: { rv: JobReturn; out?: Buffer }) => void;
  reject: (error: Error) => void;
}

/** A factory for RunHooks.dispatcher: waits for workers, then returns the dispatcher and their threads. */
export function clusterDispatcher(settings: ClusterSettings) {
  return async (opts: ResolvedOptions): Promise<{ dispatcher: ChunkDispatcher; workers: number }> => {
    if (opts.strategy !== 'byte-range')
      throw new ChunkscopeError(
        'usage',
        `A cluster run uses the byte-range strategy (each worker reads its own range of the shared file); ${opts.strategy} sends rows from the coordinator`,
      );
    const dispatcher = new BullmqDispatcher(settings, opts);
    try {
      const workers = await dispatcher.open();
      return { dispatcher, workers };
    } catch (error) {
      await dispatcher.destroy();
      throw error;
    }
  };
}

export class BullmqDispatcher implements ChunkDispatcher {
  readonly run = randomBytes(6).toString('hex');
  readonly startBytes = DEFAULTS.cluster.startBytes;
  private readonly keys = runKeys(this.run);
  private readonly queueName: string;
  private readonly node = `${os.hostname()}/${process.pid}`;
  private redis?: Redis;
  private queue?: Queue;
  private events?: QueueEvents;
  private clock?: ClockKeeper;
  private readonly pending = new Map<string, Pending>();
  /** Every job id added, so the run's jobs can be removed at the end. */
  private readonly added = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private folds = 0;
  /** Coordinator-assigned worker ids, one per node and thread. */
  private readonly workerIds = new Map<string, number>();

  constructor(
    private readonly settings: ClusterSettings,
    private readonly opts: ResolvedOptions,
  ) {
    this.queueName = settings.queue ?? DEFAULTS.cluster.queue;
  }

  /** Connects, then waits for --min-workers; returns the threads they have. */
  async open(): Promise<number> {
    const { url } = this.settings;
    this.redis = await connect(url, 'cluster run');
    this.clock = await ClockKeeper.start(this.redis);
    const { Queue, QueueEvents } = bullmq();
    const window = Math.max(2, this.opts.workers * DEFAULTS.inFlightPerWorker);
    this.queue = new Queue(this.queueName, {
      connection: this.redis,
      streams: { events: { maxLen: Math.max(1000, 8 * window) } },
    });
    // Connection errors while ioredis reconnects: the health watch decides when they end the run.
    this.queue.on('error', () => undefined);
    const eventsConnection = this.redis.duplicate();
    eventsConnection.on('error', () => undefined);
    this.events = new QueueEvents(this.queueName, { connection: eventsConnection });
    this.events.on('error', () => undefined);
    this.events.on('completed', ({ jobId, returnvalue }) => {
      const rv =
        typeof returnvalue === 'string'
          ? (JSON.parse(returnvalue) as JobReturn)
          : (returnvalue as unknown as JobReturn);
      this.arrived(jobId, rv);
    });
    this.events.on('failed', ({ jobId, failedReason }) => this.failed(jobId, failedReason));
    await this.events.waitUntilReady();
    const workers = await this.waitForWorkers();
    const every = (ms: number, tick: () => Promise<unknown>) => {
      const timer = setInterval(() => void tick().catch(() => undefined), ms);
      this.timers.push(timer);
    };
    every(DEFAULTS.cluster.aliveMs / 3, () =>
      this.redis!.set(this.keys.alive, this.node, 'PX', DEFAULTS.cluster.aliveMs),
    );
    every(DEFAULTS.cluster.reconcileIntervalMs, () => this.reconcile());
    every(1000, () => this.watchHealth());
    // A reconnect may have lost events: look at every job in flight at once.
    this.redis.on('ready', () => void this.reconcile(0).catch(() => undefined));
    return workers;
  }

  private lastReady = Date.now();
  private lastWorkerSeen = Date.now();

  /**
   * No hang: when Redis stays unreachable, or no worker is left while chunks wait, for as long as
   * --wait-workers, every chunk in flight fails with a message saying which.
   */
  private async watchHealth(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const limitMs = (this.settings.waitWorkersSeconds ?? DEFAULTS.cluster.waitWorkersSeconds) * 1000;
    if (this.redis!.status === 'ready') {
      this.lastReady = now;
      const live = (await liveWorkers(this.redis!, this.clock!.estimate)).filter((w) => w.queue === this.queueName);
      if (live.length > 0 || this.pending.size === 0) this.lastWorkerSeen = now;
    }
    const where = `${safeUrl(this.settings.url)} (queue ${this.queueName})`;
    if (now - this.lastReady > limitMs)
      this.abandon(`Redis at ${where} was unreachable for ${limitMs / 1000} s (--wait-workers)`);
    else if (now - this.lastWorkerSeen > limitMs)
      this.abandon(
        `no cluster worker was left on ${where} for ${limitMs / 1000} s (--wait-workers) while ${this.pending.size} chunks waited`,
      );
  }

  private abandon(why: string): void {
    for (const entry of [...this.pending.values()]) this.failed(entry.id, why);
  }

  private async waitForWorkers(): Promise<number> {
    const min = this.settings.minWorkers ?? DEFAULTS.cluster.minWorkers;
    const waitMs = (this.settings.waitWorkersSeconds ?? DEFAULTS.cluster.waitWorkersSeconds) * 1000;
    const deadline = Date.now() + waitMs;
    let told = false;
    for (;;) {
      const live = (await liveWorkers(this.redis!, this.clock!.estimate)).filter((w) => w.queue === this.queueName);
      if (live.length >= min) {
        const threads = live.reduce((n, w) => n + w.threads, 0);
        this.settings.log?.(
          `cluster: ${live.length} worker${live.length === 1 ? '' : 's'} (${threads} thread${threads === 1 ? '' : 's'}) on ${safeUrl(this.settings.url)}, queue ${this.queueName}; run ${this.run}`,
        );
        return threads;
      }
      if (Date.now() >= deadline)
        throw new ChunkscopeError(
          'worker',
          `No cluster workers: ${live.length} of the ${min} needed (--min-workers) connected to ${safeUrl(this.settings.url)} (queue ${this.queueName}) within ${waitMs / 1000} s (--wait-workers). Start one on each machine with: chunkscope worker --redis ${safeUrl(this.settings.url)}`,
        );
      if (!told) {
        this.settings.log?.(
          `cluster: waiting up to ${waitMs / 1000} s for ${min} worker${min === 1 ? '' : 's'} on ${safeUrl(this.settings.url)}…`,
        );
        told = true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Adds a job; resolves with its returnvalue and result bytes once a worker completed it. */
  private submit(id: string, name: string, data: JobData): Promise<{ rv: JobReturn; out?: Buffer }> {
    if (this.stopped) return Promise.reject(new Error('the run was stopped'));
    return new Promise((resolve, reject) => {
      const entry: Pending = { id, addedAt: Date.now(), settled: false, resolve, reject };
      this.pending.set(id, entry);
      this.added.add(id);
      this.queue!.add(name, data, {
        jobId: id,
        attempts: DEFAULTS.cluster.attempts,
        backoff: { type: 'exponential', delay: DEFAULTS.cluster.backoffMs },
        // Removed by the coordinator once its result is read (dedupe by id lasts while the job exists).
        removeOnComplete: false,
        removeOnFail: { age: 86_400 },
        ...(name === 'fold' ? { priority: 1 } : {}),
      }).catch((error: Error) =>
        this.settle(id, () => reject(new Error(`could not add job ${id} to Redis: ${error.message}`))),
      );
    });
  }

  private settle(id: string, how: () => void): void {
    const entry = this.pending.get(id);
    if (!entry || entry.settled) return;
    entry.settled = true;
    this.pending.delete(id);
    how();
  }

  /** A completion: the first one for a job id counts; a second (a re-delivered chunk's) is dropped. */
  private arrived(jobId: string, rv: JobReturn): void {
    const entry = this.pending.get(jobId);
    if (!entry || entry.settled) {
      if (rv?.outKey && jobId.startsWith(`${this.run}-`)) void this.redis?.del(rv.outKey).catch(() => undefined);
      return;
    }
    entry.settled = true;
    const take = async () => {
      const out = rv.outKey ? await this.redis!.getBuffer(rv.outKey) : undefined;
      if (rv.outKey && !out) throw new Error(`the result of job ${jobId} from node ${rv.node} is gone from Redis`);
      return out ?? undefined;
    };
    take().then(
      (out) => {
        this.pending.delete(jobId);
        entry.resolve({ rv, out });
        // Read: its bytes and the job can go (the run writes the result in order from here).
        void this.forget(jobId, rv.outKey);
      },
      (error: Error) => {
        this.pending.delete(jobId);
        entry.reject(error);
      },
    );
  }

  private async forget(jobId: string, outKey?: string): Promise<void> {
    if (outKey) await this.redis!.del(outKey).catch(() => undefined);
    await this.queue!.remove(jobId).catch(() => undefined);
  }

  /** Jobs in flight without an event for a while: their state, read from Redis. */
  private async reconcile(afterMs: number = DEFAULTS.cluster.reconcileAfterMs): Promise<void> {
    if (this.stopped) return;
    const { Job } = bullmq();
    const now = Date.now();
    for (const entry of [...this.pending.values()]) {
      if (entry.settled || now - entry.addedAt < afterMs) continue;
      const job = await Job.fromId(this.queue!, entry.id);
      if (!job) continue;
      if (job.finishedOn && job.returnvalue !== null && job.returnvalue !== undefined && !job.failedReason)
        this.arrived(entry.id, job.returnvalue as JobReturn);
      else if (job.finishedOn && job.failedReason && (await job.getState()) === 'failed')
        this.failed(entry.id, job.failedReason);
    }
  }

  private failed(jobId: string, reason: string): void {
    const entry = this.pending.get(jobId);
    if (!entry || entry.settled) return;
    entry.settled = true;
    this.pending.delete(jobId);
    entry.reject(new Error(reason));
  }

  /**
   * Worker times onto this clock: t + offset(worker) − offset(coordinator), good to ± both half
   * round trips. Cross-checked with the job's own four times: it was taken after it was added and
   * stored before it arrived here; a mapping that breaks that widens the error to cover it.
   */
  private mapped(result: ChunkResult, rv: JobReturn, submittedAt: number, receivedAt: number): ChunkResult {
    const own = this.clock!.estimate;
    const shift = rv.clock.offsetMs - own.offsetMs;
    const key = `${rv.node}#${result.workerId}`;
    let id = this.workerIds.get(key);
    if (id === undefined) this.workerIds.set(key, (id = this.workerIds.size + 1));
    const pickedAt = rv.pickedAt + shift;
    const doneAt = rv.doneAt + shift;
    const errorMs = Math.max((rv.clock.rttMs + own.rttMs) / 2, submittedAt - pickedAt, doneAt - receivedAt);
    return {
      ...result,
      workerId: id,
      node: rv.node,
      thread: result.workerId,
      attempts: rv.attempt,
      startedAt: result.startedAt + shift,
      finishedAt: result.finishedAt + shift,
      pickedAt,
      clockErrorMs: errorMs,
    };
  }

  barrier(task: InitTask): Promise<InitResult>[] {
    // The workers tear their pools down themselves when the run's alive key goes (destroy()).
    if (task.kind === 'teardown') return [];
    return [this.init(task)];
  }

  private async init(task: InitTask): Promise<InitResult> {
    const c = task.config!;
    const config: RunConfig = {
      v: PROTOCOL_VERSION,
      run: this.run,
      coordinator: this.node,
      worker: {
        file: c.file,
        format: c.format,
        delimiter: c.delimiter,
        header: c.header,
        hasHeader: c.hasHeader,
        fileSize: c.fileSize,
        dataStart: c.dataStart,
        ...(c.bgzf ? { bgzf: c.bgzf } : {}),
      },
      processor: { path: c.processor.path, sha256: fileSha256(c.processor.path) },
      fingerprint: dataFingerprint(c.file),
      maxWorkerMemoryMb: this.opts.maxWorkerMemoryMb,
      chunkTimeoutMs: this.opts.chunkTimeoutMs,
    };
    await this.redis!.multi()
      .set(this.keys.config, v8.serialize(config), 'PX', 86_400_000)
      .set(this.keys.alive, this.node, 'PX', DEFAULTS.cluster.aliveMs)
      .exec();
    const id = jobIds.init(this.run);
    const { rv } = await this.submit(id, 'init', {
      v: PROTOCOL_VERSION,
      run: this.run,
      kind: 'init',
      submittedAt: epochNow(),
    });
    return rv.init!;
  }

  private async result(id: string, name: string, data: JobData): Promise<ChunkResult> {
    const { rv, out } = await this.submit(id, name, data);
    return this.mapped(v8.deserialize(out!) as ChunkResult, rv, data.submittedAt, epochNow());
  }

  chunk(task: ChunkTask): Promise<ChunkResult> {
    if (task.kind !== 'range' && task.kind !== 'table')
      return Promise.reject(
        new ChunkscopeError(
          'usage',
          `A cluster run reads byte ranges of the shared file; this file's chunks are ${task.kind} tasks (a gzip/zstd stream is read on one machine): decompress it, or use BGZF`,
        ),
      );
    return this.result(jobIds.chunk(this.run, task.chunk), 'chunk', {
      v: PROTOCOL_VERSION,
      run: this.run,
      kind: 'chunk',
      task,
      submittedAt: epochNow(),
    });
  }

  reparse(task: RangeTask, start: number): Promise<ChunkResult> {
    return this.result(jobIds.repair(this.run, task.chunk), 'repair', {
      v: PROTOCOL_VERSION,
      run: this.run,
      kind: 'repair',
      task,
      start,
      submittedAt: epochNow(),
    });
  }

  async fold(task: FoldTask): Promise<{ value: unknown }> {
    const id = jobIds.fold(this.run, this.folds++);
    const inKey = this.keys.input(id);
    await this.redis!.set(inKey, v8.serialize(task.values), 'PX', DEFAULTS.cluster.resultTtlMs);
    const { out } = await this.submit(id, 'fold', {
      v: PROTOCOL_VERSION,
      run: this.run,
      kind: 'fold',
      inKey,
      includeInitial: task.includeInitial,
      submittedAt: epochNow(),
    });
    await this.redis!.del(inKey).catch(() => undefined);
    return v8.deserialize(out!) as { value: unknown };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const entry of [...this.pending.values()]) this.failed(entry.id, 'the run was stopped');
    // Workers drop the run (and its waiting jobs fail at once) when alive is gone.
    void this.redis?.del(this.keys.alive).catch(() => undefined);
  }

  /** Removes every job and key of the run, then disconnects. Never rejects, never hangs on a lost Redis. */
  async destroy(): Promise<void> {
    this.stop();
    for (const t of this.timers) clearInterval(t);
    this.clock?.stop();
    const within = (ms: number, work: () => Promise<unknown>) =>
      Promise.race([work().catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
    if (this.redis?.status === 'ready' && this.queue)
      await within(10_000, async () => {
        await this.redis!.del(this.keys.alive, this.keys.config);
        for (const id of this.added) await this.queue!.remove(id).catch(() => undefined);
        const keys = await scanKeys(this.redis!, this.keys.pattern);
        if (keys.length) await this.redis!.del(...keys);
      });
    // Whatever is left (Redis gone, a job a worker still holds): `chunkscope cluster clean` removes it.
    await within(2000, async () => {
      await this.events?.close();
      await this.queue?.close();
      await this.redis?.quit();
    });
    this.events?.disconnect().catch(() => undefined);
    this.redis?.disconnect();
  }
}

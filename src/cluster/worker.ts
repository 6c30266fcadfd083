// `chunkscope worker`: a plain BullMQ Worker (not sandboxed) whose processor only awaits. Each job
// goes to this machine's piscina pool running the engine's chunk worker, so the CPU work stays in
// threads and the event loop stays free to renew job locks. A pool belongs to one run: it starts
// on the run's first job (after the data and processor checks, with setup() once per thread) and
// ends with teardown() when the run's coordinator stops refreshing its `alive` key.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Job, Worker } from 'bullmq';
import {
  ChunkscopeError,
  compileProcessor,
  DEFAULTS,
  epochNow,
  PiscinaDispatcher,
  type InitResult,
  type WorkerConfig,
} from '../engine';
import { ClockKeeper, redisNow } from './clock';
import { dataMismatch, fileSha256, mapPath } from './fingerprint';
import { runKeys, WORKERS_KEY } from './keys';
import { PROTOCOL_VERSION, type JobData, type JobReturn, type RunConfig, type WorkerEntry } from './protocol';
import { bullmq, connect, safeUrl, type Redis } from './redis';

export interface WorkerSettings {
  url: string;
  threads: number;
  name?: string;
  queue?: string;
  lockMs?: number;
  stalledIntervalMs?: number;
  /** `FROM=TO`: the coordinator's data paths under FROM are under TO here. */
  dataRoot?: string;
  codeRoot?: string;
  log: (line: string) => void;
}

/** A run this worker holds a pool for. */
interface RunHost {
  run: string;
  config: RunConfig;
  pool: PiscinaDispatcher;
  inits: InitResult[];
  setupError?: string;
}

const VERSION = `protocol ${PROTOCOL_VERSION}, node ${process.version}`;

export class ClusterWorker {
  readonly name: string;
  readonly queue: string;
  private readonly hosts = new Map<string, Promise<RunHost>>();
  private worker!: Worker;
  private redis!: Redis;
  private connection!: Redis;
  private clock!: ClockKeeper;
  private timers: NodeJS.Timeout[] = [];
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  private readonly lockMs: number;
  private closing?: Promise<void>;

  private constructor(private readonly settings: WorkerSettings) {
    this.name = settings.name ?? `${os.hostname()}/${process.pid}`;
    this.queue = settings.queue ?? DEFAULTS.cluster.queue;
    this.lockMs = settings.lockMs ?? DEFAULTS.cluster.lockMs;
    if (this.name.includes(':')) throw new ChunkscopeError('usage', `--name must not contain ':' (got "${this.name}")`);
  }

  static async start(settings: WorkerSettings): Promise<ClusterWorker> {
    const w = new ClusterWorker(settings);
    await w.begin();
    return w;
  }

  private async begin(): Promise<void> {
    const { url, threads } = this.settings;
    this.redis = await connect(url, `worker ${this.name}`);
    this.clock = await ClockKeeper.start(this.redis);
    this.loopDelay.enable();
    const { Worker } = bullmq();
    this.connection = this.redis.duplicate();
    this.connection.on('error', () => undefined);
    this.worker = new Worker(this.queue, (job: Job) => this.process(job), {
      connection: this.connection,
      name: this.name,
      // One chunk running and one waiting per thread (the pool's own queue keeps the thread busy).
      concurrency: DEFAULTS.cluster.inFlightPerThread * threads,
      lockDuration: this.lockMs,
      stalledInterval: this.settings.stalledIntervalMs ?? DEFAULTS.cluster.stalledIntervalMs,
      maxStalledCount: 1,
    });
    this.worker.on('error', (error) => this.settings.log(`worker ${this.name}: ${error.message}`));
    this.worker.on('failed', (job, error) => {
      if (job) this.settings.log(`worker ${this.name}: job ${job.id} failed: ${error.message.split('\n')[0]}`);
    });
    await this.worker.waitUntilReady();
    await this.heartbeat();
    const every = (ms: number, tick: () => Promise<void>) => {
      const timer = setInterval(() => void tick().catch(() => undefined), ms);
      this.timers.push(timer);
    };
    every(DEFAULTS.cluster.heartbeatMs, () => this.heartbeat());
    every(1000, () => this.dropDeadRuns());
    this.settings.log(
      `chunkscope worker ${this.name} ready: ${threads} thread${threads === 1 ? '' : 's'}, queue ${this.queue}, ${safeUrl(url)}`,
    );
  }

  private async heartbeat(): Promise<void> {
    const entry: WorkerEntry = {
      name: this.name,
      host: os.hostname(),
      pid: process.pid,
      threads: this.settings.threads,
      queue: this.queue,
      version: VERSION,
      seenAt: Math.round(redisNow(this.clock.estimate)),
      clock: { offsetMs: this.clock.estimate.offsetMs, rttMs: this.clock.estimate.rttMs },
      loopDelayMs: Math.round(this.loopDelay.percentile(99) / 1e5) / 10,
      runs: [...this.hosts.keys()],
      lockMs: this.lockMs,
    };
    this.loopDelay.reset();
    await this.redis.hset(WORKERS_KEY, this.name, JSON.stringify(entry));
  }

  private refuse(run: string, why: string): never {
    const { UnrecoverableError } = bullmq();
    throw new UnrecoverableError(`Worker ${this.name} refuses run ${run}: ${why}`);
  }

  private host(run: string): Promise<RunHost> {
    let host = this.hosts.get(run);
    if (!host) {
      host = this.openRun(run);
      this.hosts.set(run, host);
      // A refusal stays cached, so every job of the run fails the same way at once.
      host.catch(() => undefined);
    }
    return host;
  }

  private async openRun(run: string): Promise<RunHost> {
    const keys = runKeys(run);
    const [bytes, alive] = await Promise.all([this.redis.getBuffer(keys.config), this.redis.exists(keys.alive)]);
    if (!bytes || !alive) this.refuse(run, 'the run is over (its coordinator is gone)');
    const config = v8.deserialize(bytes) as RunConfig;
    if (config.v !== PROTOCOL_VERSION)
      this.refuse(run, `its coordinator speaks protocol ${config.v}, this worker ${PROTOCOL_VERSION}: use one version`);
    const file = mapPath(config.worker.file, this.settings.dataRoot);
    const mismatch = dataMismatch(file, config.fingerprint);
    if (mismatch)
      this.refuse(
        run,
        `${mismatch}. Every machine must see the same data at the same path (or map it with --data-root FROM=TO).`,
      );
    const processorPath = mapPath(config.processor.path, this.settings.codeRoot);
    if (!existsSync(processorPath))
      this.refuse(
        run,
        `its processor ${processorPath} does not exist here (copy it, or map it with --code-root FROM=TO)`,
      );
    const sha = fileSha256(processorPath);
    if (sha !== config.processor.sha256)
      this.refuse(
        run,
        `its processor ${processorPath} here is not the coordinator's (sha256 ${sha.slice(0, 12)}… here, ${config.processor.sha256.slice(0, 12)}… there); workers run only the same processor file, never code sent through Redis`,
      );
    let processor;
    try {
      processor = compileProcessor(processorPath);
    } catch (error) {
      this.refuse(run, (error as Error).message);
    }
    const threads = this.settings.threads;
    const pool = new PiscinaDispatcher({ workers: threads, maxWorkerMemoryMb: config.maxWorkerMemoryMb });
    const workerConfig: WorkerConfig = {
      ...config.worker,
      file,
      processor,
      status: new SharedArrayBuffer(16 * threads),
    };
    try {
      const inits = await Promise.all(
        pool.barrier({
          kind: 'init',
          barrier: new SharedArrayBuffer(4),
          workers: threads,
          timeoutMs: DEFAULTS.setupTimeoutSeconds * 1000,
          config: workerConfig,
        }),
      );
      const failed = inits.find((r) => r.error);
      this.settings.log(
        `worker ${this.name}: run ${run} from ${config.coordinator}: ${file} and ${processorPath} checked; ${failed ? `setup() failed: ${failed.error!.message}` : `setup() done on ${threads} thread${threads === 1 ? '' : 's'}`}`,
      );
      return { run, config, pool, inits, setupError: failed?.error?.message };
    } catch (error) {
      await pool.destroy();
      this.hosts.delete(run);
      throw new Error(`worker ${this.name}: a thread died while loading the processor: ${(error as Error).message}`);
    }
  }

  /** Ends the run's pool: teardown() once per thread (when `teardown`), then the threads. */
  private async closeRun(run: string, teardown: boolean): Promise<void> {
    const pending = this.hosts.get(run);
    this.hosts.delete(run);
    const host = await pending?.catch(() => undefined);
    if (!host) return;
    if (teardown && !host.setupError) {
      const results = await Promise.all(
        host.pool.barrier({
          kind: 'teardown',
          barrier: new SharedArrayBuffer(4),
          workers: this.settings.threads,
          timeoutMs: DEFAULTS.setupTimeoutSeconds * 1000,
        }),
      ).catch((error: Error) => [{ error: { message: error.message } }]);
      for (const r of results)
        if (r.error) this.settings.log(`worker ${this.name}: run ${run}: teardown() failed: ${r.error.message}`);
    }
    await host.pool.destroy();
    this.settings.log(`worker ${this.name}: run ${run} over`);
  }

  private async dropDeadRuns(): Promise<void> {
    for (const run of [...this.hosts.keys()]) {
      if ((await this.redis.exists(runKeys(run).alive)) === 0) await this.closeRun(run, true);
    }
  }

  private async process(job: Job): Promise<JobReturn> {
    const pickedAt = epochNow();
    const data = job.data as JobData;
    if (data.v !== PROTOCOL_VERSION)
      this.refuse(data.run, `job protocol ${data.v}, this worker speaks ${PROTOCOL_VERSION}`);
    const host = await this.host(data.run);
    const reply = (outKey?: string, init?: InitResult): JobReturn => ({
      node: this.name,
      pickedAt,
      doneAt: epochNow(),
      attempt: job.attemptsStarted,
      outKey,
      init,
      clock: { offsetMs: this.clock.estimate.offsetMs, rttMs: this.clock.estimate.rttMs },
    });
    if (data.kind === 'init') return reply(undefined, host.inits.find((r) => r.error) ?? host.inits[0]);
    if (host.setupError) this.refuse(data.run, `setup() failed here: ${host.setupError}`);
    const what = data.kind === 'fold' ? 'a combine() fold' : `chunk ${data.task.chunk}`;
    let result: unknown;
    try {
      result = await this.withTimeout(host, what, async () => {
        switch (data.kind) {
          case 'chunk':
            return host.pool.chunk(data.task);
          case 'repair':
            return host.pool.reparse(data.task, data.start);
          case 'fold': {
            const input = await this.redis.getBuffer(data.inKey);
            if (!input) this.refuse(data.run, 'the fold input is gone (the run is over)');
            const values = v8.deserialize(input) as unknown[];
            return host.pool.fold({ kind: 'fold', values, includeInitial: data.includeInitial });
          }
        }
      });
    } catch (error) {
      if ((error as Error).name === 'UnrecoverableError') throw error;
      // A thread died (out of memory, a crash): the pool lost a thread that ran setup(), so the next
      // job of the run starts a fresh one. BullMQ retries this job with backoff.
      if (this.hosts.get(data.run) && (await this.hosts.get(data.run)!.catch(() => undefined)) === host)
        void this.closeRun(data.run, false);
      const e = error as Error & { code?: string };
      const why =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `a thread ran out of memory (${e.message})`
          : `a thread failed: ${e.message}`;
      throw new Error(
        `node ${this.name}: ${why} on ${what}, attempt ${job.attemptsStarted} of ${job.opts.attempts ?? 1}`,
      );
    }
    const outKey = runKeys(data.run).out(job.id!, job.token ?? 'none');
    const lockKey = `${job.queueQualifiedName}:${job.id}:lock`;
    const replies = await this.redis
      .multi()
      .set(outKey, v8.serialize(result), 'PX', DEFAULTS.cluster.resultTtlMs)
      .get(lockKey)
      .exec();
    const lock = replies?.[1]?.[1];
    if (lock !== job.token) {
      // Paused or too slow past its lock: the chunk was handed to another worker, whose result counts.
      await this.redis.del(outKey);
      throw new Error(
        `node ${this.name} lost its lock on ${what} (it was paused or too slow); the chunk ran elsewhere`,
      );
    }
    return reply(outKey);
  }

  private async withTimeout<T>(host: RunHost, what: string, work: () => Promise<T>): Promise<T> {
    const ms = host.config.chunkTimeoutMs;
    if (!(ms > 0)) return work();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            void this.closeRun(host.run, false);
            const { UnrecoverableError } = bullmq();
            reject(
              new UnrecoverableError(
                `${what} ran longer than ${ms / 1000} s (--chunk-timeout) on node ${this.name}; the processor may be stuck in a loop`,
              ),
            );
          }, ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM: take no new job, finish the ones running, tear the pools down, leave the worker list. */
  close(force = false): Promise<void> {
    this.closing ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      await this.worker.close(force);
      await this.connection.quit().catch(() => undefined);
      for (const run of [...this.hosts.keys()]) await this.closeRun(run, true);
      this.clock.stop();
      this.loopDelay.disable();
      await this.redis.hdel(WORKERS_KEY, this.name).catch(() => undefined);
      await this.redis.quit().catch(() => undefined);
      this.settings.log(`chunkscope worker ${this.name} stopped`);
    })();
    return this.closing;
  }
}

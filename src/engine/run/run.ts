// The run: a warm piscina pool, a strategy producing chunk tasks in order, a bounded number of
// chunks in flight, results put back in input order (a bounded reorder buffer), byte-range starts
// verified, output written as it arrives, and every chunk's cost recorded.
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { Piscina } from 'piscina';
import { AdaptiveChunker } from '../split/adaptive-chunks';
import { epochNow } from '../base/clock';
import { inspectDataset, type DatasetInfo } from '../read/dataset';
import { ChunkscopeError, describeLocation } from '../base/errors';
import { mainThreadBusyClock, type BusyClock } from './main-thread-clock';
import { AtomicFile } from '../base/atomic-file';
import { DEFAULTS, resolveRunOptions, type ResolvedOptions } from '../options';
import { compileProcessor } from '../processor/compile';
import { resolveProfileSettings, RunProfiles } from '../profile/capture';
import type { ChunkPlan, ChunkResult, InitResult, InitTask, WorkerConfig, WorkerRowError } from '../model/protocol';
import { summarize } from './records';
import { batchChunks, byteRangeChunks, indexRangeChunks, loadSharedTable, perRowChunks, type PlannedChunk } from '../split/strategies';
import type { ChunkRecord, ChunkSizeChange, ProgressEvent, RowErrorInfo, RunOptions, RunReport } from '../model';

/** Decides each chunk's byte size as the run goes; the adaptive chunker is one. */
export interface RunChunkSizer {
  /** The byte budget of chunk `chunk`, starting at byte `byteStart`; asked once per chunk, in order, when it is planned. */
  plan(chunk: number, byteStart: number): number;
  /** Each chunk's record once final, in input order. */
  observe?(record: ChunkRecord, mainMsPerChunk?: number): void;
  /** The size changes to put in the summary. */
  readonly trace?: ChunkSizeChange[];
}

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressEvent) => void;
  /** Called with each chunk's record as soon as it is final (in input order): the live view's feed. */
  onChunk?: (record: ChunkRecord) => void;
  /**
   * Sizes every chunk instead of chunkRows / chunkBytes / chunking (not per-row), and the run counts as
   * chunking 'auto': a schedule chosen by the caller, or the adaptive chunker with other settings.
   */
  chunkSizer?: RunChunkSizer;
}

// The worker entry sits beside the bundle in dist/ (one flat folder) and in its stage folder in out/ (tsc).
const WORKER_FILE = [path.join(__dirname, 'chunk-worker.js'), path.join(__dirname, '..', 'worker', 'chunk-worker.js')].find((file) => existsSync(file)) ?? path.join(__dirname, 'chunk-worker.js');

export async function runDataset(options: RunOptions, hooks: RunHooks = {}): Promise<RunReport> {
  const startedAtEpochMs = epochNow();
  const opts = resolveRunOptions(options);
  if (hooks.signal?.aborted) throw new ChunkscopeError('cancelled', 'Run cancelled before it started');
  // Warm and fixed: threads are neither started nor stopped mid-run; the queue is bounded by us.
  // Started first, so the threads boot while the dataset is inspected (they get the run's settings
  // with their init task).
  const pool = new Piscina({
    filename: WORKER_FILE,
    minThreads: opts.workers,
    maxThreads: opts.workers,
    idleTimeout: Infinity,
    // A worker holds its next chunks while it runs one, so it starts the next as soon as it has
    // posted a result instead of waiting a round trip through the main thread (which on a 2-core
    // machine shares the cores with the workers: 0.6–0.9 ms a chunk, bench/README.md). The worker
    // still runs its chunks one at a time (chunk-worker.ts). Only tasks without an abort signal are
    // doubled up (piscina's balancer), so init and teardown, which carry one, each get a worker of
    // their own, as their barrier needs.
    concurrentTasksPerWorker: DEFAULTS.tasksPerWorker,
    resourceLimits: opts.maxWorkerMemoryMb ? { maxOldGenerationSizeMb: opts.maxWorkerMemoryMb, maxYoungGenerationSizeMb: Math.min(16, opts.maxWorkerMemoryMb) } : undefined,
  });
  // Errors from a dying worker also surface as rejected tasks; this keeps them from being unhandled.
  pool.on('error', () => undefined);
  try {
    const info = await inspectDataset(opts.data, { delimiter: opts.delimiter, header: opts.header, format: opts.format });
    const processor = compileProcessor(opts.processor);
    const config: WorkerConfig = {
      file: info.path,
      format: info.format,
      delimiter: info.delimiter,
      header: info.header,
      hasHeader: info.hasHeader,
      fileSize: info.sizeBytes,
      dataStart: info.dataStart,
      processor,
      status: new SharedArrayBuffer(16 * opts.workers),
      profile: resolveProfileSettings(options),
    };
    const run = new Run(pool, opts, info, config, hooks, startedAtEpochMs);
    return await run.execute();
  } finally {
    await pool.destroy().catch(() => undefined);
  }
}

interface Arrived {
  planned: PlannedChunk;
  result: ChunkResult;
  submittedAt: number;
  receivedAt: number;
}

class Run {
  private readonly abort = new AbortController();
  private failure: Error | undefined;
  private wake: () => void = () => undefined;
  private readonly arrived = new Map<number, Arrived>();
  private readonly records: ChunkRecord[] = [];
  private readonly errors: RowErrorInfo[] = [];
  private readonly mainPhases: RunReport['mainPhases'] = [];
  private readonly warnings: string[] = [];
  private out?: AtomicFile;
  private errorsOut?: AtomicFile;
  private plan!: ChunkPlan;
  private exports!: InitResult['exports'];
  private rowsSoFar = 0;
  private linesSoFar = 0;
  private bytesSoFar = 0;
  private skippedRows = 0;
  private expectedStart: number;
  private partials: unknown[] = [];
  private foldAcc: { value: unknown } | undefined;
  private foldChain: Promise<void> = Promise.resolve();
  private inFlight = new Map<number, PlannedChunk>();
  private lastProgress = 0;
  /** This run's own peak: process-lifetime maxRSS would include whatever ran before in this process. */
  private peakRss = process.memoryUsage.rss();
  private processingStart = 0;
  private readonly busyClock: BusyClock;
  private lastBusy: number | undefined;
  private mainMsAverage: number | undefined;
  private lastRssSample = 0;
  private mainBusyMs: number | undefined;
  /** chunking 'auto' (or the caller's sizer): plans each chunk's size from the records so far. */
  private sizer?: RunChunkSizer;

  constructor(
    private readonly pool: Piscina,
    private readonly opts: ResolvedOptions,
    private readonly info: DatasetInfo,
    private readonly config: WorkerConfig,
    private readonly hooks: RunHooks,
    private readonly startedAtEpochMs: number,
  ) {
    this.expectedStart = info.dataStart;
    this.busyClock = mainThreadBusyClock(config.profile !== undefined);
    // Init and teardown tasks listen on this one signal.
    setMaxListeners(Infinity, this.abort.signal);
  }

  private ms(epoch: number): number {
    return epoch - this.startedAtEpochMs;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.abort.abort();
    // Chunk tasks carry no abort signal (see concurrentTasksPerWorker): stopping the threads
    // rejects them, so nothing waits on a worker that is stuck in a loop.
    this.pool.destroy().catch(() => undefined);
    this.wake();
  }

  async execute(): Promise<RunReport> {
    const onCancel = () => this.fail(new ChunkscopeError('cancelled', 'Run cancelled; workers stopped and partial output removed'));
    this.hooks.signal?.addEventListener('abort', onCancel);
    const watchdog = setInterval(() => this.watch(), DEFAULTS.watchdogIntervalMs);
    let profiles: RunProfiles | undefined;
    try {
      if (this.config.profile) profiles = await RunProfiles.start(this.config.profile);
      await this.startWorkers();
      const chunks = this.chunkSource();
      if (this.opts.out) {
        this.out = new AtomicFile(this.opts.out);
        if (this.opts.onError === 'skip') this.errorsOut = new AtomicFile(`${this.opts.out}.errors.ndjson`);
      }
      this.processingStart = epochNow();
      const busyAtStart = this.busyClock();
      await this.pump(chunks);
      const processingEnd = epochNow();
      const busyAtEnd = this.busyClock();
      this.mainBusyMs = busyAtStart !== undefined && busyAtEnd !== undefined ? busyAtEnd - busyAtStart : undefined;
      const result = await this.finishFold();
      if (result && this.out) this.out.write(JSON.stringify(result.value) + '\n');
      const teardowns = await this.barrierRound('teardown');
      this.check();
      this.out?.commit();
      this.errorsOut?.commit();
      const report = this.report(processingEnd, result);
      if (profiles) report.profiles = await profiles.finish(teardowns, this.startedAtEpochMs, report.warnings);
      return report;
    } catch (error) {
      this.out?.discard();
      this.errorsOut?.discard();
      throw this.failure ?? error;
    } finally {
      profiles?.discard();
      clearInterval(watchdog);
      this.hooks.signal?.removeEventListener('abort', onCancel);
    }
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private async barrierRound(kind: 'init' | 'teardown'): Promise<InitResult[]> {
    const barrier = new SharedArrayBuffer(4);
    const task: InitTask = { kind, barrier, workers: this.opts.workers, timeoutMs: DEFAULTS.setupTimeoutSeconds * 1000, config: kind === 'init' ? this.config : undefined };
    const started = epochNow();
    const results = await Promise.all(
      Array.from({ length: this.opts.workers }, () =>
        this.pool.run(task, { signal: this.abort.signal }).catch((error: Error) => {
          this.fail(new ChunkscopeError(kind === 'init' ? 'processor' : 'worker', `A worker died while ${kind === 'init' ? 'loading the processor or running setup()' : 'running teardown()'}: ${error.message}`));
          return undefined;
        }),
      ),
    );
    this.mainPhases.push({ name: kind === 'init' ? 'startup: threads, processor load, setup()' : 'teardown()', start: this.ms(started), end: this.ms(epochNow()) });
    this.check();
    const done = results as InitResult[];
    for (const r of done) {
      if (r.error) {
        const what = kind === 'init' ? 'could not start the processor' : 'teardown() failed';
        if (kind === 'teardown') {
          this.warnings.push(`Worker ${r.workerId}: ${what}: ${r.error.message}`);
          continue;
        }
        const stack = r.error.stack ? `\n${r.error.stack}` : '';
        throw new ChunkscopeError('processor', `Worker ${r.workerId} ${what} (no row was processed): ${r.error.message}${stack}`);
      }
    }
    return done;
  }

  private async startWorkers(): Promise<void> {
    const inits = await this.barrierRound('init');
    this.exports = inits[0].exports;
    const processorOptions = inits[0].options;
    const { opts, info } = this;
    const rowShape = opts.rowShape ?? processorOptions.rowShape ?? (info.hasHeader || info.format === 'jsonl' ? 'object' : 'array');
    const types = opts.types ?? processorOptions.types ?? 'string';
    if (rowShape === 'columns') {
      if (!this.exports.processChunk) throw new ChunkscopeError('usage', `Row shape "columns" needs a processChunk(columns, ctx) export in ${opts.processor}`);
      if (info.format !== 'csv') throw new ChunkscopeError('usage', 'Row shape "columns" works on CSV/TSV files only');
      if (opts.strategy === 'per-row') throw new ChunkscopeError('usage', 'Row shape "columns" needs chunks: use byte-range, batches or shared-columns, not per-row');
    }
    this.plan = {
      rowShape,
      types,
      numericColumns: info.header.map((name) => info.numericColumns.includes(name)),
      encode: !!opts.out && !this.exports.combine,
      fold: this.exports.combine,
      onError: opts.onError,
    };
  }

  private adaptiveSizer(): RunChunkSizer | undefined {
    const { opts, info } = this;
    if (opts.strategy === 'per-row') return undefined;
    if (this.hooks.chunkSizer) return this.hooks.chunkSizer;
    if (opts.chunking !== 'auto') return undefined;
    const a = DEFAULTS.adaptive;
    const given = opts.chunkBytes ?? (opts.chunkRows !== undefined ? Math.max(1, Math.round(opts.chunkRows * info.meanRowBytes)) : undefined);
    const startBytes = given ?? a.startBytes;
    return new AdaptiveChunker({
      workers: opts.workers,
      dataStart: info.dataStart,
      dataEnd: info.sizeBytes,
      startBytes,
      minBytes: Math.min(a.minBytes, startBytes),
      maxBytes: Math.max(a.maxBytes, startBytes),
      maxChunkMs: opts.chunkTimeoutMs > 0 ? Math.min(a.maxChunkMs, opts.chunkTimeoutMs * a.maxShareOfChunkTimeout) : a.maxChunkMs,
      minChunkMs: a.minChunkMs,
      overheadTarget: a.overheadTarget,
      minGain: a.minGain,
      tailChunksPerWorker: a.tailChunksPerWorker,
      sampleChunksPerWorker: a.sampleChunksPerWorker,
      sampleMsPerWorker: a.sampleMsPerWorker,
      regrowOverheadFactor: a.regrowOverheadFactor,
      maxRegrowths: a.maxRegrowths,
      warmupMsPerWorker: a.warmupMsPerWorker,
      meanRowBytes: info.meanRowBytes,
    });
  }

  private chunkSource(): Iterator<PlannedChunk> {
    const { opts, info, plan } = this;
    const rowsFromBytes = (bytes: number) => Math.max(1, Math.round(bytes / info.meanRowBytes));
    this.sizer = this.adaptiveSizer();
    const sizer = this.sizer ? this.sizer.plan.bind(this.sizer) : undefined;
    switch (opts.strategy) {
      case 'byte-range':
        return byteRangeChunks({
          sizer,
          info,
          plan,
          chunkBytes: opts.chunkBytes ?? (opts.chunkRows ? Math.max(1, Math.round(opts.chunkRows * info.meanRowBytes)) : DEFAULTS.chunkBytes),
        });
      case 'batches':
        return batchChunks({ info, plan, sizer, chunkBytes: opts.chunkBytes, chunkRows: opts.chunkBytes ? undefined : opts.chunkRows ?? DEFAULTS.chunkRows });
      case 'per-row':
        return perRowChunks({ info, plan });
      case 'shared-columns': {
        const started = epochNow();
        const { table, records } = loadSharedTable(info, plan.numericColumns);
        this.mainPhases.push({ name: 'load shared table', start: this.ms(started), end: this.ms(epochNow()) });
        const chunkRows = opts.chunkRows ?? (opts.chunkBytes ? rowsFromBytes(opts.chunkBytes) : DEFAULTS.chunkRows);
        return indexRangeChunks({ info, plan, chunkRows, sizer }, table, records);
      }
    }
  }

  private maxInFlight(): number {
    const perWorker = this.opts.strategy === 'per-row' ? DEFAULTS.inFlightPerWorkerPerRow : DEFAULTS.inFlightPerWorker;
    return Math.max(2, this.opts.workers * perWorker);
  }

  private submit(planned: PlannedChunk): void {
    const submittedAt = epochNow();
    const chunk = planned.task.chunk;
    this.inFlight.set(chunk, planned);
    this.pool.run(planned.task, { transferList: planned.transferList as never }).then(
      (result: ChunkResult) => {
        this.inFlight.delete(chunk);
        this.arrived.set(chunk, { planned, result, submittedAt, receivedAt: epochNow() });
        this.wake();
      },
      (error: Error) => {
        this.inFlight.delete(chunk);
        if (this.failure) return;
        this.fail(this.workerFailure(error, planned));
      },
    );
  }

  private workerFailure(error: Error & { code?: string }, planned: PlannedChunk): ChunkscopeError {
    const span = `chunk ${planned.task.chunk} (bytes ${planned.byteStart}–${planned.byteEnd} of ${this.info.path})`;
    if (error.name === 'DataCloneError') {
      return new ChunkscopeError('processor', `A result of ${span} cannot be sent between threads (${error.message}); return plain data (numbers, strings, arrays, objects).`);
    }
    const why = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (${error.message})` : `died: ${error.message}`;
    return new ChunkscopeError('worker', `A worker running ${span} ${why}. The run was stopped; no partial output was kept.`);
  }

  private async pump(chunks: Iterator<PlannedChunk>): Promise<void> {
    const limit = this.maxInFlight();
    let submitted = 0;
    let nextToEmit = 0;
    let sourceDone = false;
    for (;;) {
      this.check();
      while (!sourceDone && submitted - nextToEmit < limit) {
        const next = chunks.next();
        if (next.done) {
          sourceDone = true;
          break;
        }
        this.submit(next.value);
        submitted++;
      }
      while (this.arrived.has(nextToEmit)) {
        const arrived = this.arrived.get(nextToEmit)!;
        this.arrived.delete(nextToEmit);
        await this.emit(arrived);
        this.check();
        nextToEmit++;
      }
      if (sourceDone && nextToEmit === submitted) return;
      // Emitting frees room in flight: refill before sleeping, or nothing would ever wake us.
      if (this.arrived.has(nextToEmit) || (!sourceDone && submitted - nextToEmit < limit)) continue;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * Byte-range verification: a chunk's true first record starts where the previous chunk's parse
   * ended (the previous chunk is already verified, since chunks are checked in input order). A
   * speculative start that differs was taken inside a quoted field: the chunk is parsed again from
   * the true start. If the previous chunk's last record runs past this whole range, the range owns
   * no record at all.
   */
  private async verify(arrived: Arrived): Promise<{ result: ChunkResult; repaired: boolean }> {
    const { result, planned } = arrived;
    const task = planned.task;
    if (task.kind !== 'range' || !result.speculative) return { result, repaired: false };
    const trueStart = this.expectedStart;
    if (trueStart >= task.limit) {
      return { result: { ...result, start: trueStart, end: trueStart, records: 0, lines: 0, leadingLines: 0, output: '', partial: undefined, hasPartial: false, errors: [], fatal: undefined }, repaired: result.start !== task.limit };
    }
    if (result.start === trueStart) return { result, repaired: false };
    const again: ChunkResult = await this.pool.run({ ...task, start: trueStart, speculative: false }).catch((error: Error) => {
      throw this.failure ?? this.workerFailure(error, planned);
    });
    return { result: again, repaired: true };
  }

  private locate(failure: WorkerRowError, result: ChunkResult, firstRow: number, firstLine: number): RowErrorInfo {
    return {
      kind: failure.kind,
      message: failure.message,
      stack: failure.stack,
      file: this.info.path,
      row: failure.record !== undefined ? firstRow + failure.record : undefined,
      line: failure.linesBefore !== undefined ? firstLine + failure.linesBefore : undefined,
      byteOffset: failure.byteOffset,
      chunk: result.chunk,
      workerId: result.workerId,
    };
  }

  private async emit(arrived: Arrived): Promise<void> {
    const { result, repaired } = await this.verify(arrived);
    if (result.start !== this.expectedStart && result.records > 0) {
      // Never return a wrong row silently: this would mean rows lost or read twice.
      throw new ChunkscopeError('data', `Internal check failed: chunk ${result.chunk} starts at byte ${result.start} but the previous chunk ended at byte ${this.expectedStart} (${this.info.path})`);
    }
    const firstRow = this.rowsSoFar + 1;
    const firstLine = this.info.dataStartLine + this.linesSoFar;
    if (result.fatal) {
      const where = this.locate(result.fatal, result, firstRow, firstLine);
      const what = where.kind === 'data' ? 'Bad data' : 'The processor threw';
      const stack = where.kind === 'processor' && where.stack ? `\n${where.stack}` : '';
      throw new ChunkscopeError(where.kind, `${what} at ${describeLocation(where)}: ${where.message}${stack}`, where);
    }
    for (const failure of result.errors) {
      const where = this.locate(failure, result, firstRow, firstLine);
      const skippedHere = failure.record === undefined ? result.records : 1;
      this.skippedRows += skippedHere;
      if (this.errors.length < DEFAULTS.maxErrorsInReport) this.errors.push(where);
      this.errorsOut?.write(JSON.stringify({ ...where, data: failure.data }) + '\n');
    }
    if (result.output) this.out?.write(result.output);
    if (result.hasPartial) {
      this.partials.push(result.partial);
      if (this.partials.length >= 256) this.scheduleFold();
    }
    const { submittedAt, receivedAt } = arrived;
    this.records.push({
      index: result.chunk,
      workerId: result.workerId,
      rows: result.records,
      firstRow,
      firstLine: firstLine + result.leadingLines,
      bytes: result.end - result.start,
      byteStart: result.start,
      byteEnd: result.end,
      submittedAt: this.ms(submittedAt),
      startedAt: this.ms(result.startedAt),
      finishedAt: this.ms(result.finishedAt),
      receivedAt: this.ms(receivedAt),
      readMs: result.readMs,
      parseMs: result.parseMs,
      computeMs: result.computeMs,
      encodeMs: result.encodeMs,
      queueWaitMs: Math.max(0, result.startedAt - submittedAt),
      returnMs: Math.max(0, receivedAt - result.finishedAt),
      repaired,
      skipped: result.errors.reduce((n, e) => n + (e.record === undefined ? result.records : 1), 0),
      resultBytes: result.output?.length ?? 0,
    });
    this.hooks.onChunk?.(this.records[this.records.length - 1]);
    this.sizer?.observe?.(this.records[this.records.length - 1], this.mainMsPerChunk());
    this.rowsSoFar += result.records;
    this.linesSoFar += result.lines;
    this.bytesSoFar += result.end - result.start;
    this.expectedStart = Math.max(result.end, this.expectedStart);
    // Reading RSS costs ~0.1 ms here (a /proc read): per chunk it was ~8 % of the main thread's work.
    // Every 50 ms is enough between the watchdog's own samples.
    if (epochNow() - this.lastRssSample >= 50) this.samplePeakRss();
    this.progress(false);
  }

  private scheduleFold(): void {
    const values = this.partials;
    this.partials = [];
    this.foldChain = this.foldChain.then(async () => {
      const includeInitial = this.foldAcc === undefined;
      const input = this.foldAcc ? [this.foldAcc.value, ...values] : values;
      const folded = (await this.pool.run({ kind: 'fold', values: input, includeInitial })) as { value: unknown };
      this.foldAcc = { value: folded.value };
    });
    this.foldChain.catch((error: Error) => this.fail(new ChunkscopeError('processor', `combine() failed: ${error.message}`)));
  }

  private async finishFold(): Promise<{ value: unknown } | undefined> {
    if (!this.exports.combine) return undefined;
    if (this.partials.length > 0 || this.foldAcc === undefined) this.scheduleFold();
    await this.foldChain.catch(() => undefined);
    this.check();
    return this.foldAcc;
  }

  /**
   * The main thread's recent work per chunk (ms), from its busy time between chunks: it receives,
   * checks and writes every chunk, and with a worker per core that time is the workers'.
   */
  private mainMsPerChunk(): number | undefined {
    const now = this.busyClock();
    const last = this.lastBusy;
    this.lastBusy = now;
    // The first chunk's interval holds start-up, not per-chunk work.
    if (last === undefined || now === undefined) return this.mainMsAverage;
    const active = now - last;
    this.mainMsAverage = this.mainMsAverage === undefined ? active : this.mainMsAverage * 0.9 + active * 0.1;
    return this.mainMsAverage;
  }

  private samplePeakRss(): void {
    this.lastRssSample = epochNow();
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }

  private watch(): void {
    this.samplePeakRss();
    const timeout = this.opts.chunkTimeoutMs;
    if (timeout > 0 && !this.failure) {
      const status = new Float64Array(this.config.status);
      const now = epochNow();
      for (let slot = 0; slot < this.opts.workers; slot++) {
        const since = status[slot * 2 + 1];
        if (since > 0 && now - since > timeout) {
          const chunk = status[slot * 2];
          const planned = this.inFlight.get(chunk);
          const span = planned ? ` (bytes ${planned.byteStart}–${planned.byteEnd})` : '';
          this.fail(
            new ChunkscopeError(
              'timeout',
              `Chunk ${chunk}${span} of ${this.info.path} ran longer than ${timeout / 1000} s (--chunk-timeout); the processor may be stuck in a loop. The run was stopped; no partial output was kept.`,
              { kind: 'processor', message: 'chunk timeout', file: this.info.path, chunk },
            ),
          );
          return;
        }
      }
    }
    this.progress(true);
  }

  private progress(fromTimer: boolean): void {
    if (!this.hooks.onProgress || this.processingStart === 0) return;
    const now = epochNow();
    if (!fromTimer && now - this.lastProgress < DEFAULTS.watchdogIntervalMs) return;
    this.lastProgress = now;
    const elapsedMs = now - this.processingStart;
    this.hooks.onProgress({
      rows: this.rowsSoFar,
      bytes: this.bytesSoFar,
      totalBytes: this.info.sizeBytes - this.info.dataStart,
      chunksDone: this.records.length,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? (this.rowsSoFar / elapsedMs) * 1000 : 0,
    });
  }

  private report(processingEnd: number, folded: { value: unknown } | undefined): RunReport {
    const end = epochNow();
    const summary = summarize({
      opts: this.opts,
      info: this.info,
      records: this.records,
      skippedRows: this.skippedRows,
      wallMs: end - this.startedAtEpochMs,
      startupMs: this.mainPhases.find((p) => p.name.startsWith('startup'))?.end ?? 0,
      processingMs: processingEnd - this.processingStart,
      peakRssBytes: Math.max(this.peakRss, process.memoryUsage.rss()),
      startedAtEpochMs: this.startedAtEpochMs,
      errorsFile: this.errorsOut?.finalPath,
      chunkSizes: this.sizer ? (this.sizer.trace ?? []) : undefined,
      mainBusyMs: this.mainBusyMs,
    });
    this.mainPhases.push({ name: 'processing', start: this.ms(this.processingStart), end: this.ms(processingEnd) });
    return {
      summary,
      chunks: this.records,
      errors: this.errors,
      result: folded?.value,
      hasResult: folded !== undefined,
      mainPhases: this.mainPhases.sort((a, b) => a.start - b.start),
      warnings: this.warnings,
    };
  }
}


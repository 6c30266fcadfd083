// The run's lifecycle and its pump: start the workers (a barrier round), submit chunk tasks in
// order while there is room in flight, wait, and emit results strictly in input order, writing
// output and building each chunk's record as it goes; then fold, tear down and report. The workers
// are reached only through a ChunkDispatcher; ordering, start verification, failure messages and
// monitoring each live in their own file beside this one.
import { AdaptiveChunker } from '../split/adaptive-chunks';
import { epochNow } from '../base/clock';
import { toJson } from '../base/json';
import { inspectDataset, type DatasetInfo } from '../read/dataset';
import { ChunkscopeError } from '../base/errors';
import { AtomicFile } from '../base/atomic-file';
import { DEFAULTS, resolveRunOptions, type ResolvedOptions } from '../options';
import { compileProcessor } from '../processor/compile';
import { resolveProfileSettings, RunProfiles } from '../profile/capture';
import type { ChunkPlan, ChunkResult, InitResult, InitTask, WorkerConfig } from '../model/protocol';
import {
  batchChunks,
  byteRangeChunks,
  indexRangeChunks,
  loadSharedTable,
  perRowChunks,
  type PlannedChunk,
} from '../split/strategies';
import { tableChunks } from '../split/table-chunks';
import type { ChunkRecord, ChunkSizeChange, ProgressEvent, RowErrorInfo, RunOptions, RunReport } from '../model';
import { PiscinaDispatcher, type ChunkDispatcher } from './dispatcher';
import { ReorderBuffer } from './reorder';
import { verifyStart } from './verify';
import {
  barrierFailure,
  cancelled,
  cancelledBeforeStart,
  chunkTimeout,
  foldFailure,
  initFailure,
  locate,
  rowFailure,
  startMismatch,
  teardownWarning,
  workerFailure,
} from './failures';
import { RunMonitor } from './monitor';
import { compressedChunks, strategyForCompressed } from '../split/compressed-chunks';
import { inDecompressedTerms, type DecompressedStream } from '../read/compressed';
import type { Strategy } from '../model';
import { chunkRecord, summarize } from './records';

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
  /**
   * Runs the chunks somewhere other than this process's thread pool (the cluster face, src/cluster):
   * given the resolved options, it returns the dispatcher and how many threads stand behind it,
   * which sizes the run's window like --workers does.
   */
  dispatcher?: (opts: ResolvedOptions) => Promise<{ dispatcher: ChunkDispatcher; workers: number }>;
}

export async function runDataset(options: RunOptions, hooks: RunHooks = {}): Promise<RunReport> {
  const startedAtEpochMs = epochNow();
  let opts = resolveRunOptions(options);
  if (hooks.signal?.aborted) throw cancelledBeforeStart();
  // Started first, so the threads boot while the dataset is inspected (they get the run's settings
  // with their init task).
  let dispatcher: ChunkDispatcher;
  if (hooks.dispatcher) {
    const remote = await hooks.dispatcher(opts);
    dispatcher = remote.dispatcher;
    opts = { ...opts, workers: remote.workers };
  } else dispatcher = new PiscinaDispatcher({ workers: opts.workers, maxWorkerMemoryMb: opts.maxWorkerMemoryMb });
  try {
    const info = await inspectDataset(opts.data, {
      delimiter: opts.delimiter,
      header: opts.header,
      format: opts.format,
    });
    // A gzip/zstd stream cannot be read by range: its strategy may change, and the report says so.
    const reading =
      (info.compression ?? 'none') === 'none'
        ? undefined
        : { requested: opts.strategy, ...strategyForCompressed(info, opts.strategy, options.strategy !== undefined) };
    const runOpts = reading ? { ...opts, strategy: reading.strategy } : opts;
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
    if (info.compressed?.bgzf) config.bgzf = info.compressed.bgzf;
    const run = new Run(dispatcher, runOpts, info, config, hooks, startedAtEpochMs, reading);
    try {
      return await run.execute();
    } catch (error) {
      // A compressed file's offsets are of its decompressed data: messages say so.
      throw reading ? inDecompressedTerms(error) : error;
    }
  } finally {
    await dispatcher.destroy();
  }
}

/** A chunk's result as received, waiting in the reorder buffer for its turn. */
interface Arrived {
  planned: PlannedChunk;
  result: ChunkResult;
  submittedAt: number;
  receivedAt: number;
}

class Run {
  private failure: Error | undefined;
  private wake: () => void = () => undefined;
  private readonly order: ReorderBuffer<Arrived>;
  private readonly records: ChunkRecord[] = [];
  private readonly errors: RowErrorInfo[] = [];
  private readonly mainPhases: RunReport['mainPhases'] = [];
  private readonly warnings: string[] = [];
  private readonly monitor: RunMonitor;
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
  /** Submitted and not yet received, for the watchdog's message. */
  private inFlight = new Map<number, PlannedChunk>();
  /** chunking 'auto' (or the caller's sizer): plans each chunk's size from the records so far. */
  private sizer?: RunChunkSizer;
  /** A compressed file read as a stream (batches, per-row): its decompression, for progress and the report. */
  private decompress?: DecompressedStream;

  constructor(
    private readonly dispatcher: ChunkDispatcher,
    private readonly opts: ResolvedOptions,
    private readonly info: DatasetInfo,
    private readonly config: WorkerConfig,
    private readonly hooks: RunHooks,
    private readonly startedAtEpochMs: number,
    private readonly reading?: { requested: Strategy; strategy: Strategy; note: string },
  ) {
    this.expectedStart = info.dataStart;
    const perWorker = opts.strategy === 'per-row' ? DEFAULTS.inFlightPerWorkerPerRow : DEFAULTS.inFlightPerWorker;
    this.order = new ReorderBuffer(Math.max(2, opts.workers * perWorker));
    this.monitor = new RunMonitor({
      workers: opts.workers,
      chunkTimeoutMs: opts.chunkTimeoutMs,
      status: config.status,
      profiled: config.profile !== undefined,
      totalBytes: info.sizeBytes - info.dataStart,
      totalBytesNow: reading ? () => this.liveTotalBytes() : undefined,
      progressIntervalMs: DEFAULTS.watchdogIntervalMs,
      onProgress: hooks.onProgress,
    });
  }

  /**
   * The data's size as known now: a stream's decompressed bytes so far scaled by the compressed
   * share they came from, exact once it ended; never below what was decompressed, so progress
   * never passes 100 %.
   */
  private liveTotalBytes(): number {
    const s = this.decompress?.stats;
    const start = this.info.dataStart;
    if (!s || s.compressedConsumed === 0) return this.info.sizeBytes - start;
    if (s.done) return s.decompressedBytes - start;
    const scaled = Math.round((s.decompressedBytes * s.compressedBytes) / s.compressedConsumed);
    return Math.max(s.decompressedBytes, scaled) - start;
  }

  private ms(epoch: number): number {
    return epoch - this.startedAtEpochMs;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.dispatcher.stop();
    this.wake();
  }

  async execute(): Promise<RunReport> {
    const onCancel = () => this.fail(cancelled());
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
      this.monitor.beginProcessing();
      await this.pump(chunks);
      const processingEnd = this.monitor.endProcessing();
      const result = await this.finishFold();
      if (result && this.out) this.out.write(toJson(result.value) + '\n');
      const teardowns = await this.barrierRound('teardown');
      this.check();
      this.out?.commit();
      this.errorsOut?.commit();
      const report = this.report(processingEnd, result);
      if (profiles) report.profiles = await profiles.finish(teardowns, this.startedAtEpochMs, report.warnings);
      return report;
    } catch (error) {
      this.decompress?.close();
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
    const task: InitTask = {
      kind,
      barrier,
      workers: this.opts.workers,
      timeoutMs: DEFAULTS.setupTimeoutSeconds * 1000,
      config: kind === 'init' ? this.config : undefined,
    };
    const started = epochNow();
    const results = await Promise.all(
      this.dispatcher.barrier(task).map((running) =>
        running.catch((error: Error) => {
          this.fail(barrierFailure(kind, error));
          return undefined;
        }),
      ),
    );
    this.mainPhases.push({
      name: kind === 'init' ? 'startup: threads, processor load, setup()' : 'teardown()',
      start: this.ms(started),
      end: this.ms(epochNow()),
    });
    this.check();
    const done = results as InitResult[];
    for (const r of done) {
      if (r.error) {
        if (kind === 'teardown') {
          this.warnings.push(teardownWarning(r.workerId, r.error));
          continue;
        }
        throw initFailure(r.workerId, r.error);
      }
    }
    return done;
  }

  private async startWorkers(): Promise<void> {
    const inits = await this.barrierRound('init');
    this.exports = inits[0].exports;
    const processorOptions = inits[0].options;
    const { opts, info } = this;
    const rowShape =
      opts.rowShape ?? processorOptions.rowShape ?? (info.hasHeader || info.format !== 'csv' ? 'object' : 'array');
    const types = opts.types ?? processorOptions.types ?? 'string';
    if (info.table && opts.strategy !== 'byte-range')
      throw new ChunkscopeError(
        'usage',
        `${info.path} is ${info.format === 'parquet' ? 'a Parquet' : 'an Arrow IPC'} file: it runs with the byte-range strategy (each worker reads its own ${info.format === 'parquet' ? 'row groups' : 'record batches'}); ${opts.strategy} reads text formats (CSV/TSV, JSON Lines, JSON arrays)`,
      );
    if (info.format === 'json' && opts.strategy === 'shared-columns')
      throw new ChunkscopeError(
        'usage',
        'The shared-columns strategy reads CSV/TSV and JSON Lines, not JSON arrays: use byte-range, batches or per-row',
      );
    if (rowShape === 'columns') {
      if (!this.exports.processChunk)
        throw new ChunkscopeError(
          'usage',
          `Row shape "columns" needs a processChunk(columns, ctx) export in ${opts.processor}`,
        );
      if (info.format !== 'csv' && !info.table)
        throw new ChunkscopeError('usage', 'Row shape "columns" works on CSV/TSV and Parquet files only');
      if (opts.strategy === 'per-row')
        throw new ChunkscopeError(
          'usage',
          'Row shape "columns" needs chunks: use byte-range, batches or shared-columns, not per-row',
        );
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
    const given =
      opts.chunkBytes ??
      (opts.chunkRows !== undefined ? Math.max(1, Math.round(opts.chunkRows * info.meanRowBytes)) : undefined);
    const startBytes = given ?? this.dispatcher.startBytes ?? a.startBytes;
    return new AdaptiveChunker({
      workers: opts.workers,
      dataStart: info.dataStart,
      dataEnd: info.sizeBytes,
      startBytes,
      minBytes: Math.min(a.minBytes, startBytes),
      maxBytes: Math.max(a.maxBytes, startBytes),
      maxChunkMs:
        opts.chunkTimeoutMs > 0 ? Math.min(a.maxChunkMs, opts.chunkTimeoutMs * a.maxShareOfChunkTimeout) : a.maxChunkMs,
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

  private chunkSource(): Iterator<PlannedChunk> | AsyncIterator<PlannedChunk> {
    const { opts, info, plan } = this;
    const rowsFromBytes = (bytes: number) => Math.max(1, Math.round(bytes / info.meanRowBytes));
    this.sizer = this.adaptiveSizer();
    const sizer = this.sizer ? this.sizer.plan.bind(this.sizer) : undefined;
    if ((info.compression ?? 'none') !== 'none' && (opts.strategy === 'batches' || opts.strategy === 'per-row')) {
      const chunkRows = opts.chunkBytes ? undefined : (opts.chunkRows ?? DEFAULTS.chunkRows);
      const source = compressedChunks(opts.strategy, { info, plan, sizer, chunkBytes: opts.chunkBytes, chunkRows });
      this.decompress = source.stream;
      return source.chunks;
    }
    if (info.table)
      return tableChunks({
        info,
        plan,
        sizer,
        chunkBytes: opts.chunkBytes ?? (opts.chunkRows === undefined ? DEFAULTS.chunkBytes : undefined),
        chunkRows: opts.chunkRows,
        splitUnits: !sizer && (opts.chunkBytes !== undefined || opts.chunkRows !== undefined),
      });
    switch (opts.strategy) {
      case 'byte-range':
        return byteRangeChunks({
          sizer,
          info,
          plan,
          chunkBytes:
            opts.chunkBytes ??
            (opts.chunkRows ? Math.max(1, Math.round(opts.chunkRows * info.meanRowBytes)) : DEFAULTS.chunkBytes),
        });
      case 'batches':
        return batchChunks({
          info,
          plan,
          sizer,
          chunkBytes: opts.chunkBytes,
          chunkRows: opts.chunkBytes ? undefined : (opts.chunkRows ?? DEFAULTS.chunkRows),
        });
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

  private submit(planned: PlannedChunk): void {
    const submittedAt = epochNow();
    const chunk = planned.task.chunk;
    this.inFlight.set(chunk, planned);
    this.dispatcher.chunk(planned.task, planned.transferList).then(
      (result) => {
        this.inFlight.delete(chunk);
        this.order.put(chunk, { planned, result, submittedAt, receivedAt: epochNow() });
        this.wake();
      },
      (error: Error) => {
        this.inFlight.delete(chunk);
        if (this.failure) return;
        this.fail(workerFailure(error, planned, this.info.path));
      },
    );
  }

  private async pump(chunks: Iterator<PlannedChunk> | AsyncIterator<PlannedChunk>): Promise<void> {
    try {
      await this.pumpFrom(chunks);
    } finally {
      // Stops a decompressing stream (and closes its file) when the run ends early.
      const closed = chunks.return?.();
      if (closed instanceof Promise) await closed.catch(() => undefined);
    }
  }

  private async pumpFrom(chunks: Iterator<PlannedChunk> | AsyncIterator<PlannedChunk>): Promise<void> {
    const order = this.order;
    let sourceDone = false;
    for (;;) {
      this.check();
      while (!sourceDone && order.hasRoom) {
        let next = chunks.next();
        // Only a decompressed stream's chunks are awaited: a plain file's cost no extra microtask each.
        if (next instanceof Promise) {
          next = await next;
          this.check();
        }
        if (next.done) {
          sourceDone = true;
          break;
        }
        order.admit();
        this.submit(next.value);
      }
      for (let arrived = order.take(); arrived !== undefined; arrived = order.take()) {
        await this.emit(arrived);
        this.check();
      }
      if (sourceDone && order.drained) return;
      // Emitting frees room in flight: refill before sleeping, or nothing would ever wake us.
      if (order.ready || (!sourceDone && order.hasRoom)) continue;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private async emit(arrived: Arrived): Promise<void> {
    let result = arrived.result;
    let repaired = false;
    const verdict = verifyStart(this.expectedStart, arrived.planned.task, result);
    if (verdict.action === 'empty') {
      result = verdict.result;
      repaired = verdict.repaired;
    } else if (verdict.action === 'reparse') {
      result = await this.dispatcher.reparse(verdict.task, verdict.start).catch((error: Error) => {
        throw this.failure ?? workerFailure(error, arrived.planned, this.info.path);
      });
      repaired = true;
    }
    // Never return a wrong row silently: this would mean rows lost or read twice.
    if (result.start !== this.expectedStart && result.records > 0)
      throw startMismatch(result.chunk, result.start, this.expectedStart, this.info.path);
    const firstRow = this.rowsSoFar + 1;
    const firstLine = this.info.dataStartLine + this.linesSoFar;
    if (result.fatal) throw rowFailure(locate(result.fatal, result, firstRow, firstLine, this.info.path));
    for (const failure of result.errors) {
      const where = locate(failure, result, firstRow, firstLine, this.info.path);
      const skippedHere = failure.record === undefined ? result.records : 1;
      this.skippedRows += skippedHere;
      if (this.errors.length < DEFAULTS.maxErrorsInReport) this.errors.push(where);
      this.errorsOut?.write(toJson({ ...where, data: failure.data }) + '\n');
    }
    if (result.output) this.out?.write(result.output);
    if (result.hasPartial) {
      this.partials.push(result.partial);
      if (this.partials.length >= 256) this.scheduleFold();
    }
    const record = chunkRecord(result, arrived, firstRow, firstLine, repaired, this.startedAtEpochMs);
    this.records.push(record);
    this.hooks.onChunk?.(record);
    this.sizer?.observe?.(record, this.monitor.mainMsPerChunk());
    this.rowsSoFar += result.records;
    this.linesSoFar += result.lines;
    this.bytesSoFar += result.end - result.start;
    this.expectedStart = Math.max(result.end, this.expectedStart);
    this.monitor.sampleRssSometimes();
    this.progress(false);
  }

  private scheduleFold(): void {
    const values = this.partials;
    this.partials = [];
    this.foldChain = this.foldChain.then(async () => {
      const includeInitial = this.foldAcc === undefined;
      const input = this.foldAcc ? [this.foldAcc.value, ...values] : values;
      const folded = await this.dispatcher.fold({ kind: 'fold', values: input, includeInitial });
      this.foldAcc = { value: folded.value };
    });
    this.foldChain.catch((error: Error) => this.fail(foldFailure(error)));
  }

  private async finishFold(): Promise<{ value: unknown } | undefined> {
    if (!this.exports.combine) return undefined;
    if (this.partials.length > 0 || this.foldAcc === undefined) this.scheduleFold();
    await this.foldChain.catch(() => undefined);
    this.check();
    return this.foldAcc;
  }

  /** The watchdog's tick: a stuck chunk stops the run; otherwise RSS and progress are sampled. */
  private watch(): void {
    this.monitor.sampleRss();
    if (!this.failure) {
      const stuck = this.monitor.stuckChunk();
      if (stuck !== undefined) {
        this.fail(chunkTimeout(stuck, this.inFlight.get(stuck), this.opts.chunkTimeoutMs, this.info.path));
        return;
      }
    }
    this.progress(true);
  }

  private progress(fromTimer: boolean): void {
    this.monitor.progress(fromTimer, this.rowsSoFar, this.bytesSoFar, this.records.length);
  }

  private readerSummary(): NonNullable<RunReport['summary']['reader']> {
    const { info, reading } = this;
    const s = this.decompress?.stats;
    const reader: NonNullable<RunReport['summary']['reader']> = {
      compression: info.compression ?? 'none',
      compressedBytes: info.compressed?.bytes ?? 0,
      decompressedBytes: s ? s.decompressedBytes : info.sizeBytes,
      strategyRequested: reading!.requested,
      strategyUsed: reading!.strategy,
      note: reading!.note,
    };
    if (s) {
      reader.decompressMs = s.decompressMs;
      reader.decompressMbPerSecond = s.decompressMs > 0 ? s.decompressedBytes / 1e6 / (s.decompressMs / 1000) : 0;
      reader.decompressWaitMs = s.waitMs;
    }
    return reader;
  }

  private report(processingEnd: number, folded: { value: unknown } | undefined): RunReport {
    const end = epochNow();
    const processingStart = this.monitor.processingStart;
    const summary = summarize({
      opts: this.opts,
      info: this.info,
      records: this.records,
      skippedRows: this.skippedRows,
      wallMs: end - this.startedAtEpochMs,
      startupMs: this.mainPhases.find((p) => p.name.startsWith('startup'))?.end ?? 0,
      processingMs: processingEnd - processingStart,
      peakRssBytes: this.monitor.peakRssBytes(),
      startedAtEpochMs: this.startedAtEpochMs,
      errorsFile: this.errorsOut?.finalPath,
      chunkSizes: this.sizer ? (this.sizer.trace ?? []) : undefined,
      mainBusyMs: this.monitor.mainBusyMs,
    });
    this.mainPhases.push({ name: 'processing', start: this.ms(processingStart), end: this.ms(processingEnd) });
    if (this.reading) summary.reader = this.readerSummary();
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

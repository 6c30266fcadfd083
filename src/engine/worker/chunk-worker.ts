// The worker-thread entry that piscina runs: loads the processor once, then for each task reads
// (byte-range), parses, runs the user's function, folds or encodes results, and reports timings.
import { closeSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { threadId } from 'node:worker_threads';
import { epochNow } from '../base/clock';
import { toJson } from '../base/json';
import { loadProcessor, type Processor } from '../processor/load';
import { parseChunk, type ParsedChunk } from './chunk-parse';
import { readBgzfRange } from '../read/compressed';
import { closeTables, readTableChunk } from './table-chunk';
import { isThenable, RowRun } from './row-run';
import { stopAndSave, ThreadProfiler } from '../profile/capture';
import type {
  ChunkResult,
  ChunkTask,
  InitResult,
  InitTask,
  Task,
  WorkerConfig,
  WorkerRowError,
} from '../model/protocol';
import type { ProcessorContext } from '../model';

process.setSourceMapsEnabled(true);

// Set by the init task (see InitTask.config), which every worker runs before any chunk.
let config: WorkerConfig;
let status: Float64Array;
let processor: Processor | undefined;
let slot = -1;
let fd = -1;
let profiler: ThreadProfiler | undefined;
/** Told to the main thread at teardown, with the profiles. */
let profileStartError: string | undefined;
let ctx: ProcessorContext;

function errorOf(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  // Something other than an Error was thrown: show what it was, not "[object Object]".
  return { message: `a non-Error value was thrown: ${inspect(error, { depth: 3, breakLength: Infinity })}` };
}

function waitForAll(barrier: SharedArrayBuffer, workers: number, timeoutMs: number): number {
  const counter = new Int32Array(barrier);
  const arrival = Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
  const deadline = Date.now() + timeoutMs;
  for (let seen = Atomics.load(counter, 0); seen < workers; seen = Atomics.load(counter, 0)) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    Atomics.wait(counter, 0, seen, left);
  }
  return arrival;
}

async function init(task: InitTask): Promise<InitResult> {
  config = task.config!;
  status = new Float64Array(config.status);
  ctx = { workerId: threadId, header: config.header, file: config.file, state: {} };
  slot = waitForAll(task.barrier, task.workers, task.timeoutMs);
  const started = epochNow();
  const result: InitResult = {
    workerId: threadId,
    slot,
    exports: {
      processRow: false,
      processChunk: false,
      combine: false,
      hasInitial: false,
      setup: false,
      teardown: false,
    },
    options: {},
    setupMs: 0,
  };
  try {
    processor = await loadProcessor(config.processor);
    result.exports = {
      processRow: !!processor.processRow,
      processChunk: !!processor.processChunk,
      combine: !!processor.combine,
      hasInitial: processor.hasInitial,
      setup: !!processor.setup,
      teardown: !!processor.teardown,
    };
    result.options = { rowShape: processor.options.rowShape, types: processor.options.types };
    if (processor.setup) await processor.setup(ctx);
  } catch (error) {
    result.error = errorOf(error);
  }
  result.setupMs = epochNow() - started;
  // From after setup() to teardown(): the profile covers the chunks, not module loading.
  if (config.profile && !result.error) {
    try {
      profiler = await ThreadProfiler.start(config.profile.intervalUs);
    } catch (error) {
      profileStartError = `could not start the CPU profiler: ${errorOf(error).message}`;
    }
  }
  return result;
}

async function teardown(task: InitTask): Promise<InitResult> {
  waitForAll(task.barrier, task.workers, task.timeoutMs);
  const started = epochNow();
  const result: InitResult = {
    workerId: threadId,
    slot,
    exports: {} as InitResult['exports'],
    options: {},
    setupMs: 0,
  };
  try {
    if (processor?.teardown) await processor.teardown(ctx);
  } catch (error) {
    result.error = errorOf(error);
  }
  if (profiler && config.profile) {
    try {
      // Written here, not posted back: a long run's profile is megabytes.
      result.profile = await stopAndSave(profiler, config.profile.dir, `worker-${threadId}`, config.processor);
    } catch (error) {
      result.profileError = `could not save the CPU profile: ${errorOf(error).message}`;
    }
    profiler = undefined;
  }
  if (profileStartError) result.profileError = profileStartError;
  if (fd >= 0) closeSync(fd);
  fd = -1;
  await closeTables();
  result.setupMs = epochNow() - started;
  return result;
}

function foldValues(values: unknown[], includeInitial: boolean): unknown {
  const combine = processor!.combine!;
  let acc: unknown = includeInitial && processor!.hasInitial ? processor!.initial : undefined;
  let has = includeInitial && processor!.hasInitial;
  for (const value of values) {
    if (value === undefined) continue;
    acc = has ? combine(acc, value) : value;
    has = true;
  }
  return acc;
}

/** Reads file bytes [start, start + into.length) into `into`; fewer only at the end of the file. */
function readRange(start: number, into: Uint8Array): Uint8Array {
  if (fd < 0) fd = openSync(config.file, 'r');
  // BGZF: the range is of decompressed bytes, inflated from the blocks that hold it.
  if (config.bgzf) return readBgzfRange(config.file, fd, config.bgzf, start, into);
  let filled = 0;
  while (filled < into.length) {
    const n = readSync(fd, into, filled, into.length - filled, start + filled);
    if (n === 0) break;
    filled += n;
  }
  return into.subarray(0, filled);
}

function processorError(
  error: unknown,
  locate: ParsedChunk['locate'] | undefined,
  record: number | undefined,
  data: unknown,
): WorkerRowError {
  const { message, stack } = errorOf(error);
  const where = record === undefined || locate === undefined ? {} : locate(record);
  return { kind: 'processor', message, stack, record, ...where, data };
}

function newRowRun(task: ChunkTask): RowRun {
  return new RowRun(processor!.processRow!, ctx, task.plan.onError === 'stop', processorError);
}

/** processRow runs on text rows as they are parsed (see row-run.ts); processChunk needs them all. */
function rowRunFor(task: ChunkTask): RowRun | undefined {
  const p = processor!;
  // Table rows arrive decoded all at once, so they run after the read, as single rows do.
  if (
    p.processChunk ||
    !p.processRow ||
    task.kind === 'row' ||
    task.kind === 'table' ||
    task.plan.rowShape === 'columns'
  )
    return undefined;
  return newRowRun(task);
}

async function runChunk(task: ChunkTask): Promise<ChunkResult> {
  const startedAt = epochNow();
  status[slot * 2] = task.chunk;
  status[slot * 2 + 1] = startedAt;
  try {
    ctx.chunk = task.chunk;
    const run = rowRunFor(task);
    const parsed =
      task.kind === 'table' ? await readTableChunk(task, config) : parseChunk(task, config, readRange, run);
    const afterParse = epochNow();
    const result: ChunkResult = {
      chunk: task.chunk,
      workerId: threadId,
      start: parsed.start,
      end: parsed.end,
      speculative: task.kind === 'range' && task.speculative,
      records: parsed.count,
      lines: parsed.lines,
      leadingLines: parsed.leadingLines,
      startedAt,
      readMs: parsed.readMs,
      // processRow ran inside the parse: its time is compute, not parse.
      parseMs: afterParse - startedAt - parsed.readMs - (run?.computeMs ?? 0),
      computeMs: 0,
      encodeMs: 0,
      finishedAt: 0,
      hasPartial: false,
      errors: parsed.errors,
      fatal: parsed.fatal,
    };
    const computed = await compute(task, parsed, result, run);
    // The rows are garbage from here on; dropping them now keeps the next scavenge from copying them.
    (parsed as { rows: unknown }).rows = undefined;
    const afterCompute = epochNow();
    result.computeMs = afterCompute - afterParse + (run?.computeMs ?? 0);
    if (computed && !result.fatal) encode(task, parsed, computed, result);
    result.finishedAt = epochNow();
    result.encodeMs = result.finishedAt - afterCompute;
    return result;
  } finally {
    status[slot * 2 + 1] = 0;
  }
}

/** Results of a chunk, each with the record it came from (undefined for processChunk values). */
interface Computed {
  values: unknown[];
  records: number[] | undefined;
}

/** Runs what the parse left to run; undefined when the chunk failed. */
async function compute(
  task: ChunkTask,
  parsed: ParsedChunk,
  result: ChunkResult,
  run: RowRun | undefined,
): Promise<Computed | undefined> {
  const p = processor!;
  const rows = parsed.rows;
  if (!run && !result.fatal && !p.processChunk) {
    // Rows the parse did not hand over (a single row, columns) run here, all at once.
    run = newRowRun(task);
    run.take(rows as unknown[], 0, parsed.locate, parsed.skippedRecords);
  }
  if (run) {
    // A failure while the rows ran came before any the parse found later, in row order.
    result.fatal ??= run.fatal;
    if (result.fatal) return undefined;
    await run.settle();
    result.fatal = run.fatal;
    if (run.errors.length > 0) result.errors = mergeByRecord(result.errors, run.errors);
    return fold(task, parsed, result, { values: run.values, records: run.records });
  }
  if (result.fatal) return undefined;
  // Without processChunk the rows ran above.
  const processChunk = p.processChunk!;
  const computed: Computed = { values: [], records: undefined };
  const skipped = parsed.skippedRecords;
  const input = skipped && Array.isArray(rows) ? rows.filter((_, i) => !skipped.has(i)) : rows;
  try {
    let out = processChunk(input, ctx);
    if (isThenable(out)) out = await out;
    if (out !== undefined && out !== null) {
      if (!Array.isArray(out) && !ArrayBuffer.isView(out))
        throw new Error('processChunk must return an array of values');
      const list = out as ArrayLike<unknown>;
      for (let i = 0; i < list.length; i++) computed.values.push(list[i]);
    }
  } catch (error) {
    const failure = processorError(error, undefined, undefined, Array.isArray(rows) ? rows : undefined);
    if (task.plan.onError === 'stop') result.fatal = failure;
    else result.errors.push(failure);
    computed.values.length = 0;
  }
  return fold(task, parsed, result, computed);
}

/** Data errors found by the parse and processor errors found meanwhile, in row order. */
function mergeByRecord(a: WorkerRowError[], b: WorkerRowError[]): WorkerRowError[] {
  if (a.length === 0) return b;
  return [...a, ...b].sort((x, y) => (x.record ?? -1) - (y.record ?? -1));
}

/** Folds a chunk's values with combine when the run has one. */
function fold(task: ChunkTask, parsed: ParsedChunk, result: ChunkResult, computed: Computed): Computed | undefined {
  if (result.fatal) return undefined;
  if (task.plan.fold) {
    try {
      result.partial = foldValues(computed.values, false);
    } catch (error) {
      // A failed fold loses the chunk's total, so it always stops the run.
      result.fatal = processorError(error, parsed.locate, undefined, undefined);
      result.fatal.message = `combine() threw: ${result.fatal.message}`;
      return undefined;
    }
    result.hasPartial = result.partial !== undefined;
  }
  return computed;
}

/**
 * The common case of one number per row: JSON.stringify formats a whole array of numbers about
 * 1.3× faster than String() per value (bench/README.md), and a number's JSON has no comma, so the
 * array's commas become the line breaks. Done on the bytes (all ASCII), which costs a third of a
 * string replace, and the main thread then writes them without encoding a string. Undefined when
 * any value is not a finite number.
 */
function finiteNumbersOnly(values: unknown[]): Uint8Array | undefined {
  if (values.length === 0) return undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  }
  const json = JSON.stringify(values);
  // "[1,2,3]" → "1\n2\n3\n": drop the '[', every ',' and the ']' become line feeds.
  const bytes = Buffer.from(json, 'latin1').subarray(1);
  for (let i = bytes.indexOf(COMMA); i >= 0; i = bytes.indexOf(COMMA, i + 1)) bytes[i] = LINE_FEED;
  bytes[bytes.length - 1] = LINE_FEED;
  return bytes;
}

const COMMA = 44;
const LINE_FEED = 10;

function encode(task: ChunkTask, parsed: ParsedChunk, computed: Computed, result: ChunkResult): void {
  if (!task.plan.encode) return;
  const { values, records } = computed;
  const numbers = finiteNumbersOnly(values);
  if (numbers !== undefined) {
    result.output = numbers;
    return;
  }
  // Joining an array of lines is about twice as fast as growing one string with +=.
  const lines: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined) continue;
    // Finite numbers print the same through String() as through JSON.stringify, faster.
    if (typeof value === 'number' && Number.isFinite(value)) {
      lines.push(String(value));
      continue;
    }
    let line: string | undefined;
    try {
      // Bigints (Parquet INT64 past 2^53) are written as decimal strings (base/json.ts).
      line = toJson(value);
    } catch (error) {
      const record = records?.[i];
      const failure = processorError(
        new Error(`the result cannot be written as JSON: ${errorOf(error).message}`),
        parsed.locate,
        record,
        undefined,
      );
      if (task.plan.onError === 'stop') {
        result.fatal = failure;
        return;
      }
      result.errors.push(failure);
      continue;
    }
    if (line !== undefined) lines.push(line);
  }
  lines.push('');
  result.output = lines.length > 1 ? lines.join('\n') : '';
}

/*
 * A chunk's output bytes are moved to the main thread, not copied: a copy is made into the message
 * (grown by reallocation) and another out of it into fresh memory on the main thread, which on a
 * machine with a worker per core comes out of the workers' time. A result wrapped with piscina's
 * move marks is posted with its buffer in the transfer list. Only piscina's small symbols module is
 * loaded (the one its worker.js loaded in this thread, so the same symbols): its main module cost
 * every worker ~10 ms of start-up. Its package exports only ".", so the file is found by path.
 */
const piscinaSymbols = require(path.join(path.dirname(require.resolve('piscina')), 'symbols.js')) as {
  kMovable: symbol;
  kTransferable: symbol;
  kValue: symbol;
};

function withOutputMoved(result: ChunkResult): unknown {
  const output = result.output;
  // Only a buffer the output has to itself (not a slice of Buffer's shared pool) may be moved; one
  // byte short is still its own (finiteNumbersOnly drops the JSON's leading '[').
  if (
    !(output instanceof Uint8Array) ||
    !(output.buffer instanceof ArrayBuffer) ||
    output.buffer.byteLength - output.byteLength > 1
  )
    return result;
  return {
    [piscinaSymbols.kMovable]: true,
    [piscinaSymbols.kTransferable]: output.buffer,
    [piscinaSymbols.kValue]: result,
  };
}

// The pool hands a worker its next chunk while it runs one (run/dispatcher.ts). Chunks still run one
// after another: an async processor awaiting something must not let the next chunk start, which
// would share ctx, the read buffer and the watchdog's slot.
let previous: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(work: () => Promise<T> | T): Promise<T> {
  const next = previous.then(work, work);
  previous = next.catch(() => undefined);
  return next;
}

export default async function handle(task: Task): Promise<unknown> {
  switch (task.kind) {
    case 'init':
      return init(task);
    case 'teardown':
      return teardown(task);
    case 'fold':
      return oneAtATime(() => ({ value: foldValues(task.values, task.includeInitial) }));
    case 'range':
    case 'bytes':
    case 'row':
    case 'index':
    case 'table':
      return oneAtATime(async () => withOutputMoved(await runChunk(task)));
  }
}

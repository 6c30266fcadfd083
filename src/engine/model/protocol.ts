// Messages between the executor (main thread) and the chunk worker. Plain data only.
import type { CompiledProcessor } from './processor';
import type { DatasetFormat, OnError, RowShape, TypeMode } from './common';

/** Fixed for the whole run; given to every worker with its init task. */
export interface WorkerConfig {
  file: string;
  format: DatasetFormat;
  delimiter: string;
  header: string[];
  hasHeader: boolean;
  /** The data's size; for a compressed file, decompressed (an estimate for a gzip/zstd stream, which byte-range never reads). */
  fileSize: number;
  dataStart: number;
  /** A BGZF file: its block index, so byte-range workers read decompressed ranges (read/compressed.ts). */
  bgzf?: { compressed: Float64Array; decompressed: Float64Array };
  processor: CompiledProcessor;
  /** Per worker slot: [chunk index, start epoch ms] while a chunk runs; read by the watchdog. */
  status: SharedArrayBuffer;
  /** Set when the run records CPU profiles: each worker profiles itself from after setup() to teardown(). */
  profile?: { dir: string; intervalUs: number };
}

/** Decided after the processor's own options are known (init), so sent with each task. */
export interface ChunkPlan {
  rowShape: RowShape;
  types: TypeMode;
  numericColumns: boolean[];
  /** Encode each result as a JSON line (an --out file is written and there is no combine). */
  encode: boolean;
  /** Fold results with the processor's combine inside the worker. */
  fold: boolean;
  onError: OnError;
}

export interface InitTask {
  kind: 'init' | 'teardown';
  /** With 'init': the run's settings. Sent with the task, not as workerData, so the threads can boot while the dataset is inspected. */
  config?: WorkerConfig;
  /** Int32 counter: every worker waits until all have arrived, so each worker gets exactly one. */
  barrier: SharedArrayBuffer;
  workers: number;
  timeoutMs: number;
}

export interface InitResult {
  workerId: number;
  slot: number;
  exports: {
    processRow: boolean;
    processChunk: boolean;
    combine: boolean;
    hasInitial: boolean;
    setup: boolean;
    teardown: boolean;
  };
  options: { rowShape?: RowShape; types?: TypeMode };
  setupMs: number;
  error?: { message: string; stack?: string };
  /** The worker's CPU profile (teardown of a profiled run), already written to its file by the worker. */
  profile?: SavedThreadProfile;
  /** Why the worker's profile could not be recorded or saved (the run itself went on). */
  profileError?: string;
}

/** What a thread reports about the profile it saved; the main thread turns it into a ThreadProfile. */
export interface SavedThreadProfile {
  file: string;
  samples: number;
  intervalUs: number;
  /** epoch ms − monotonic ms on this thread: profile µs / 1000 + this = epoch ms. */
  epochMinusMonotonicMs: number;
  clockCheckMs: number;
  mappedSources?: string[];
}

interface ChunkTaskBase {
  chunk: number;
  plan: ChunkPlan;
}

/** byte-range: the worker reads its own bytes; `speculative` means `start` is a guess to verify. */
export interface RangeTask extends ChunkTaskBase {
  kind: 'range';
  start: number;
  limit: number;
  speculative: boolean;
}

/** batches: the main thread found the record boundaries and transfers exactly these bytes. */
export interface BytesTask extends ChunkTaskBase {
  kind: 'bytes';
  bytes: Uint8Array;
  byteStart: number;
  /** The data's last segment; set when the data's end is not fileSize (a decompressed stream). */
  atEnd?: boolean;
}

/** per-row: one already-parsed row. */
export interface RowTask extends ChunkTaskBase {
  kind: 'row';
  row: unknown;
  byteStart: number;
  byteEnd: number;
  /** Line feeds within the row's span (embedded newlines, following blank lines). */
  lines: number;
  /** Set when the main thread could not parse the row; the worker reports it as a data error. */
  problem?: string;
}

/** shared-columns: an index range over the shared table. */
export interface IndexTask extends ChunkTaskBase {
  kind: 'index';
  table: SharedTable;
  firstRecord: number;
  endRecord: number;
}

export interface SharedTable {
  /** The data section's bytes (after the header), in shared memory. */
  bytes: SharedArrayBuffer;
  /** Float64 offsets (relative to bytes) of each record's start, plus the end. */
  recordStarts: SharedArrayBuffer;
  /** One shared Float64 column per numeric column (null for text columns). */
  numeric: (SharedArrayBuffer | null)[];
  /** Absolute file offset of bytes[0]. */
  base: number;
}

/**
 * A typed table (Parquet): rows [rowStart, rowEnd) of the file, whole units (row groups) or part of
 * one, which the worker reads itself. The byte span tiles the file like byte-range chunks do (see
 * split/table-chunks.ts), so verification, progress and the adaptive chunker see bytes as usual.
 */
export interface TableTask extends ChunkTaskBase {
  kind: 'table';
  rowStart: number;
  rowEnd: number;
  /** The unit (row group) holding rowStart, for messages. */
  unit: number;
  byteStart: number;
  byteEnd: number;
}

export interface FoldTask {
  kind: 'fold';
  values: unknown[];
  includeInitial: boolean;
}

export type ChunkTask = RangeTask | BytesTask | RowTask | IndexTask | TableTask;
/** The chunks of text formats, which worker/chunk-parse.ts parses. */
export type TextChunkTask = Exclude<ChunkTask, TableTask>;
export type Task = InitTask | ChunkTask | FoldTask;

export interface WorkerRowError {
  kind: 'processor' | 'data';
  message: string;
  stack?: string;
  /** Index of the record within the chunk (undefined when the whole chunk failed, e.g. processChunk threw). */
  record?: number;
  /** Absolute byte offset of the record's start. */
  byteOffset?: number;
  /** Line feeds between the chunk's start and the record's start. */
  linesBefore?: number;
  /** Where in a typed table the record is, for messages: "row group 3". */
  place?: string;
  /** The row (or its raw fields) for the errors file. */
  data?: unknown;
}

export interface ChunkResult {
  chunk: number;
  workerId: number;
  /** Byte where parsing started (the verified or guessed first record start). */
  start: number;
  /** The first record boundary at or after the task's limit: where the next chunk must start. */
  end: number;
  speculative: boolean;
  records: number;
  lines: number;
  /** Line feeds before the first record (blank lines that open the chunk). */
  leadingLines: number;
  startedAt: number;
  readMs: number;
  parseMs: number;
  computeMs: number;
  encodeMs: number;
  finishedAt: number;
  output?: string | Uint8Array;
  partial?: unknown;
  hasPartial: boolean;
  errors: WorkerRowError[];
  /** A failure that stops the run (when its start is verified): a parse error, or the first error with --on-error stop. */
  fatal?: WorkerRowError;
  /** Set by a cluster dispatcher: the machine (node) that ran the chunk and its thread there. */
  node?: string;
  thread?: number;
  /** Deliveries of the chunk until this result (a cluster re-delivers a dead worker's chunk). */
  attempts?: number;
  /** When the node took the chunk from the queue (epoch ms, on the coordinator's clock). */
  pickedAt?: number;
  /** How far off the node's times may be after mapping them to the coordinator's clock (± ms). */
  clockErrorMs?: number;
}

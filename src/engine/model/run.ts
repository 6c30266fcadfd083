// The engine's public vocabulary. Everything here is plain JSON-serialisable data so that the
// CLI, the extension and the webview only present what the engine returns.

import type { ThreadProfile } from './profile';

import type { Compression, DatasetFormat, OnError, RowShape, Strategy, TypeMode } from './common';

/** What a caller asks for. Defaults live in options.ts, in one place. */
export interface RunOptions {
  /** Path of the dataset (CSV, TSV or JSON Lines). Read by path, never through an editor document. */
  data: string;
  /** Path of the processor module (.js, .mjs, .cjs or .ts). */
  processor: string;
  strategy?: Strategy;
  workers?: number;
  /** Rows per chunk (per-row ignores it; byte-range turns it into bytes using the sampled row size). */
  chunkRows?: number;
  /** Bytes per chunk (byte-range and batches). */
  chunkBytes?: number;
  /** Results as JSON Lines, in input row order; written to a temporary file renamed on success. */
  out?: string;
  onError?: OnError;
  /** Seconds a single chunk may run before the run fails. 0 = no limit. */
  chunkTimeout?: number;
  delimiter?: string;
  header?: boolean;
  rowShape?: RowShape;
  types?: TypeMode;
  format?: DatasetFormat;
  /** Per-worker heap limit (MB) passed to worker resourceLimits. */
  maxWorkerMemoryMb?: number;
  /**
   * 'auto' adapts the chunk size during the run from measured overhead and throughput (the default
   * when neither chunkRows nor chunkBytes is given; with a size, that size is where it starts);
   * 'fixed' keeps chunkRows/chunkBytes or the defaults. per-row always sends one row per task.
   */
  chunking?: 'auto' | 'fixed';
  /** Record a CPU profile of every worker and the main thread (README "CPU profiles"). */
  profile?: boolean;
  /** Sampling interval of the CPU profiles, µs. */
  profileIntervalUs?: number;
  /**
   * Folder for the run's .cpuprofile files. Default (options.ts defaultProfileDir): NAME.profiles
   * beside `timings`, else beside `out`, else `<dataset>.<processor>.profiles` in `cwd`.
   */
  profileDir?: string;
  /** Where the caller will write the run's timings file; only places the default profile folder. */
  timings?: string;
  /** Where the default profile folder, a relative profileDir and `timings` start from (default: process.cwd()). */
  cwd?: string;
}

export interface ProgressEvent {
  rows: number;
  bytes: number;
  totalBytes: number;
  chunksDone: number;
  elapsedMs: number;
  rowsPerSecond: number;
}

/** One record per chunk: what it was and what it cost. All times are ms since the run's start, on one clock. */
export interface ChunkRecord {
  index: number;
  /** Worker thread id that ran the chunk (the last attempt, if repaired). */
  workerId: number;
  rows: number;
  /** 1-based number of the chunk's first data row (header excluded). */
  firstRow: number;
  /** 1-based physical line in the file where the chunk's first row starts. */
  firstLine: number;
  bytes: number;
  byteStart: number;
  byteEnd: number;
  submittedAt: number;
  startedAt: number;
  finishedAt: number;
  receivedAt: number;
  readMs: number;
  parseMs: number;
  computeMs: number;
  encodeMs: number;
  /** startedAt - submittedAt: time waiting in the pool's queue plus the trip to the worker. */
  queueWaitMs: number;
  /** receivedAt - finishedAt: the result's trip back to the main thread. */
  returnMs: number;
  /** True when the speculative start of a byte range was wrong and the chunk was parsed again. */
  repaired: boolean;
  /** Rows whose processing failed and were skipped (--on-error skip). */
  skipped: number;
  resultBytes: number;
  /** Cluster runs: the node (machine, `host/pid` or --name) and its thread that ran the chunk. */
  node?: string;
  thread?: number;
  /** Cluster runs: deliveries of the chunk (2 when a dead worker's chunk was re-delivered). */
  attempts?: number;
  /** Cluster runs: when the node took the chunk from the queue (ms since the run's start). */
  pickedAt?: number;
  /** Cluster runs: ± ms the node's times may be off the coordinator's clock. */
  clockErrorMs?: number;
}

/** Cluster runs: what each node (machine) did. */
export interface NodeSummary {
  node: string;
  threads: number;
  chunks: number;
  rows: number;
  busyMs: number;
  /** busyMs / (threads × the processing phase). */
  busyShare: number;
  /** The largest ± ms any of its chunk times may be off the coordinator's clock. */
  clockErrorMs: number;
  /** Chunks it ran that had been delivered before (to a worker that died or stalled). */
  redelivered: number;
}

/** A row the processor failed on (or that could not be parsed), located precisely. */
export interface RowErrorInfo {
  kind: 'processor' | 'data';
  message: string;
  stack?: string;
  file: string;
  /** 1-based data row number, when known. */
  row?: number;
  /** 1-based physical line in the file. */
  line?: number;
  byteOffset?: number;
  /** Typed tables: the unit holding the row ("row group 3"), as the row's place has no line. */
  place?: string;
  chunk: number;
  workerId?: number;
}

export interface WorkerSummary {
  workerId: number;
  chunks: number;
  rows: number;
  busyMs: number;
  /** busyMs / wall time of the processing phase. */
  busyShare: number;
}

/** One step of adaptive chunking: from chunk `atChunk` on, chunks were planned at `bytes`. */
export interface ChunkSizeChange {
  atChunk: number;
  bytes: number;
  /** About how many rows that is (bytes / the mean row size measured so far). */
  rows?: number;
  /** Why, in words: the start, a doubling and its measured overhead, where the search settled, the tail. */
  reason: string;
}

export interface RunSummary {
  data: string;
  processor: string;
  format: DatasetFormat;
  strategy: Strategy;
  workers: number;
  chunkRows?: number;
  chunkBytes?: number;
  /** How chunk sizes were chosen (absent in timings written before adaptive chunking, which were all fixed). */
  chunking?: 'auto' | 'fixed';
  /** chunking 'auto': the sizes chosen during the run, one entry per change. */
  chunkSizes?: ChunkSizeChange[];
  rows: number;
  bytes: number;
  chunks: number;
  repairedChunks: number;
  skippedRows: number;
  /** From the run call to the end, including pool start-up and processor setup. */
  wallMs: number;
  /** Pool start-up plus every worker's setup(). */
  startupMs: number;
  /** From the first chunk submitted to the last result received. */
  processingMs: number;
  rowsPerSecond: number;
  mbPerSecond: number;
  /** Sum over chunks of the worker's time split. */
  readMs: number;
  parseMs: number;
  computeMs: number;
  encodeMs: number;
  /** Share of total worker-thread time (workers × processingMs) that is neither read, parse nor user compute. */
  overheadShare: number;
  /** Part of that overhead spent outside any chunk: waiting for work, dispatch, result hand-off. */
  idleShare: number;
  /**
   * The main thread's busy time while chunks ran (event-loop utilisation): handing out chunks,
   * receiving and checking results, writing output. Absent in timings written before it was measured.
   */
  mainBusyMs?: number;
  workerSummaries: WorkerSummary[];
  /** Cluster runs: one entry per node (machine) that ran chunks. */
  nodes?: NodeSummary[];
  /** A compressed dataset: how it was read (absent for uncompressed files). */
  reader?: ReaderSummary;
  peakRssBytes: number;
  out?: string;
  errorsFile?: string;
  nodeVersion: string;
  cpus: number;
  startedAtEpochMs: number;
}

/** How a compressed dataset was read; byte offsets in its records and errors are decompressed ones. */
export interface ReaderSummary {
  compression: Compression;
  /** The file's size on disk. */
  compressedBytes: number;
  /** Bytes of decompressed data (the whole data, header included). */
  decompressedBytes: number;
  /** Main-thread decompression (gzip, zstd, and BGZF without byte-range): from opening the stream to its end. */
  decompressMs?: number;
  /** decompressedBytes / decompressMs: the ceiling of a run that decompresses on one thread. */
  decompressMbPerSecond?: number;
  /** Time the main thread waited for decompressed bytes while it had room to hand out chunks. */
  decompressWaitMs?: number;
  strategyRequested: Strategy;
  strategyUsed: Strategy;
  /** In words: how the file was read, and why the strategy changed when it did. */
  note: string;
}

export interface RunReport {
  summary: RunSummary;
  chunks: ChunkRecord[];
  errors: RowErrorInfo[];
  /** The folded result, when the processor exports combine. */
  result?: unknown;
  hasResult: boolean;
  /** Main-thread phases (ms since start) for the trace: startup, load, teardown. */
  mainPhases: { name: string; start: number; end: number }[];
  /** Things the user should know that did not fail the run (e.g. a teardown() that threw). */
  warnings: string[];
  /** The CPU profiles of a run with profile: true, one per thread (files beside the run). */
  profiles?: ThreadProfile[];
  /** Whole-process flame graphs 0x rendered for this run (`chunkscope profile --engine 0x`), one per isolate. */
  wholeProcessFlameGraphs?: { label: string; html: string }[];
}

/** A plain-words diagnosis of a run, computed from its timing records (diagnosis.ts). */
export interface Finding {
  /** Stable identifier, e.g. 'main-thread-bottleneck', 'chunks-too-small', 'straggler', 'uneven-workers', 'throughput-decline'. */
  id: string;
  severity: 'info' | 'warning';
  /** One sentence: what happened. */
  title: string;
  /** The numbers behind it, in words ("workers were idle 38 % of the time waiting for …"). */
  detail: string;
  /** What to try, concretely ("use --strategy byte-range", "try --chunk-rows 5000 or more"). */
  suggestion?: string;
  /** The figures the finding rests on, for tests and the UI. */
  numbers: Record<string, number>;
  /** Chunks the finding points at (e.g. the straggler), by index. */
  chunks?: number[];
}
